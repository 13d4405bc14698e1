/**
 * The byte-level peer: it writes what it is told, records every response
 * (ErrorResponses too) and notes broken output instead of judging it.
 */
import {
  Agent,
  decodeRequest,
  type Emitter,
  encodeFrame,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  type Request,
  silentLogger,
} from '@kapacitor-udf/core';
import { HarnessError, type InMemoryWirePeer, point, WirePeer } from '../src';

/** What the peer wrote, as chunks and as decoded requests. */
function capture(peer: WirePeer) {
  const chunks: Buffer[] = [];
  const requests: Request[] = [];
  const decoder = new FrameDecoder();
  peer.toUdf.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    for (const f of decoder.push(chunk)) requests.push(decodeRequest(f));
  });
  return { chunks, requests };
}

/** The peer's in-memory output: what a UDF would write. */
const udfWrites = (peer: InMemoryWirePeer, bytes: Uint8Array) => peer.fromUdf.write(bytes);
const udfEnds = (peer: InMemoryWirePeer) => peer.fromUdf.end();

describe('WirePeer', () => {
  it('writes several requests in one write, and raw bytes as they are', async () => {
    const peer = WirePeer.inMemory();
    const seen = capture(peer);
    peer.send({ $case: 'info', value: {} }, { $case: 'keepalive', value: { time: 5n } });
    const half = encodeFrame(encodeRequest({ message: { $case: 'snapshot', value: {} } }));
    peer.sendRaw(half.subarray(0, 1));
    await new Promise((r) => setImmediate(r));
    expect(seen.chunks.length).toBe(2);
    expect(seen.requests.map((r) => r.message?.$case)).toEqual(['info', 'keepalive']);
    peer.sendRaw(half.subarray(1));
    await new Promise((r) => setImmediate(r));
    expect(seen.requests.map((r) => r.message?.$case)).toEqual(['info', 'keepalive', 'snapshot']);
    peer.endInput();
    expect(peer.send({ $case: 'info', value: {} })).toBe(false);
    expect(peer.sendRaw(Uint8Array.of(0))).toBe(false);
  });

  it('records every response with its body, ErrorResponses included, and hands them out in order', async () => {
    const peer = WirePeer.inMemory();
    const error = encodeResponse({ message: { $case: 'error', value: { error: 'boom' } } });
    udfWrites(
      peer,
      Buffer.concat([encodeFrame(encodeResponse({ message: { $case: 'point', value: point({ time: 1n }) } })), encodeFrame(error)]),
    );
    expect(await peer.nextOf('error')).toEqual({ error: 'boom' });
    expect(peer.kinds()).toEqual(['point', 'error']);
    expect(peer.of('point').map((p) => p.time)).toEqual([1n]);
    expect(peer.bodies[1]).toEqual(Buffer.from(error));
    udfWrites(peer, encodeFrame(encodeResponse({ message: { $case: 'keepalive', value: { time: 3n } } })));
    expect((await peer.next()).message).toEqual({ $case: 'keepalive', value: { time: 3n } });
    udfEnds(peer);
    expect(await peer.rest()).toEqual([]);
    expect(peer.outputError).toBeUndefined();
  });

  it('notes output that is not whole frames, and stops waiting for what cannot come', async () => {
    const peer = WirePeer.inMemory();
    const frame = encodeFrame(encodeResponse({ message: { $case: 'keepalive', value: { time: 3n } } }));
    udfWrites(peer, frame.subarray(0, frame.length - 1));
    udfEnds(peer);
    await peer.closed();
    expect(peer.outputError).toBeDefined();
    await expect(peer.waitFor(1)).rejects.toThrow(/never happened: bad output/);
    await expect(peer.rest()).rejects.toBe(peer.outputError);
  });

  it('rejects a wait with ERR_TIMEOUT when nothing comes', async () => {
    const peer = WirePeer.inMemory();
    const wait = peer.next(20);
    await expect(wait).rejects.toBeInstanceOf(HarnessError);
    await expect(peer.next(20)).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
  });

  it('plays Kapacitor for an Agent in the same process', async () => {
    const peer = WirePeer.inMemory();
    const agent = new Agent({
      input: peer.toUdf,
      output: peer.fromUdf,
      logger: silentLogger,
      handler: (emitter: Emitter) => ({
        info: () => ({ wants: 1, provides: 1, options: {} }),
        init: () => ({ success: true, error: '' }),
        snapshot: () => ({ snapshot: Buffer.alloc(0) }),
        restore: () => ({ success: true, error: '' }),
        point: (p) => emitter.point(p),
        beginBatch: () => undefined,
        endBatch: () => undefined,
        stop: () => undefined,
      }),
    });
    const done = agent.start();
    peer.send({ $case: 'point', value: point({ time: 9n }) });
    peer.endInput();
    await done;
    expect(await peer.rest()).toEqual([{ message: { $case: 'point', value: point({ time: 9n }) } }]);
  });
});
