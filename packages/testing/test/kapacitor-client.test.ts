/**
 * The client's own checks, against a peer that writes hand-made frames: these
 * are UDFs that misbehave on purpose, which no real UDF of this project does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeRequest, encodeFrame, encodeResponse, FrameDecoder, type Request, type Response } from '@kapacitor-udf/core';
import { KapacitorClient, point, type Traffic } from '../src';

/** A peer: what the client sent, and a way to answer with any frames. */
function peer() {
  const toUdf = new PassThrough();
  const fromUdf = new PassThrough();
  const decoder = new FrameDecoder();
  const received: Request[] = [];
  toUdf.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) received.push(decodeRequest(f));
  });
  // An empty body is a Response with no message set (the encoder refuses to write one).
  const send = (...responses: Response[]) => {
    for (const r of responses) fromUdf.write(encodeFrame(r.message === undefined ? new Uint8Array(0) : encodeResponse(r)));
  };
  return { toUdf, fromUdf, received, send, end: () => fromUdf.end() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KapacitorClient', () => {
  it('matches answers to requests and keeps every response', async () => {
    const p = peer();
    const traffic: Traffic[] = [];
    const client = new KapacitorClient(p.toUdf, p.fromUdf, { onTraffic: (t) => traffic.push(t) });
    const snapshot = client.snapshot();
    const keepalive = client.keepalive(7n);
    await tick();
    p.send(
      { message: { $case: 'keepalive', value: { time: 7n } } },
      { message: { $case: 'point', value: point({ time: 1n }) } },
      { message: { $case: 'snapshot', value: { snapshot: Buffer.from('abc') } } },
    );
    expect(await keepalive).toEqual({ time: 7n });
    expect(Buffer.from(await snapshot).toString()).toBe('abc');
    expect(client.emitted).toEqual([{ $case: 'point', value: point({ time: 1n }) }]);
    expect(client.responses.map((r) => r.message?.$case)).toEqual(['keepalive', 'point', 'snapshot']);
    expect(traffic.map((t) => `${t.direction} ${t.message.message?.$case}`)).toEqual([
      'request snapshot',
      'request keepalive',
      'response keepalive',
      'response point',
      'response snapshot',
    ]);
    p.end();
    expect(await client.close()).toEqual([]);
  });

  it('sends Init with the task and node IDs and raw options as given', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf, { taskID: 't1', nodeID: 'n1' });
    const init = client.init([{ name: 'x', values: [] }]);
    await tick();
    expect(p.received[0].message).toEqual({ $case: 'init', value: { options: [{ name: 'x', values: [] }], taskID: 't1', nodeID: 'n1' } });
    p.send({ message: { $case: 'init', value: { success: false, error: 'no' } } });
    expect(await init).toEqual({ success: false, error: 'no' });
    p.end();
    await client.close();
  });

  it('cannot type TICKscript-style options without knowing the UDF', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    await expect(client.init({ size: 10n })).rejects.toThrow(/call info\(\) first/);
  });

  it.each<[string, Response[], RegExp]>([
    [
      'an EndBatch without BeginBatch',
      [{ message: { $case: 'end', value: { name: 'x', group: '', tmax: 0n, tags: {}, byName: false } } }],
      /EndBatch without BeginBatch/,
    ],
    ['a Response with no message', [{ message: undefined }], /no message set/],
    [
      'an unrequested management response',
      [{ message: { $case: 'restore', value: { success: true, error: '' } } }],
      /restore response, but a snapshot answer was expected/,
    ],
    ['an unrequested keepalive', [{ message: { $case: 'keepalive', value: { time: 99n } } }], /KeepaliveResponse nobody asked for/],
  ])('fails on %s, as Kapacitor would', async (_what, responses, message) => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    const pending = client.snapshot();
    await tick();
    p.send(...responses);
    await expect(pending).rejects.toThrow(message);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_PROTOCOL_VIOLATION' });
    // Later requests fail at once with the same error.
    await expect(client.info()).rejects.toThrow(message);
  });

  it('turns an ErrorResponse into a rejection of what was waiting', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    const pending = client.snapshot();
    await tick();
    p.send({ message: { $case: 'error', value: { error: 'field missing' } } });
    p.end();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_UDF_ERROR', message: expect.stringContaining('field missing') });
    // Seen once already: close() does not throw it again.
    expect(await client.close()).toEqual([]);
  });

  it('reports at close() a failure nobody saw', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    client.point(point());
    p.send({ message: { $case: 'error', value: { error: 'boom' } } });
    p.end();
    await expect(client.close()).rejects.toThrow(/ErrorResponse: boom/);
  });

  it('fails what is still waiting when the UDF closes its output', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    const pending = client.info();
    await tick();
    p.end();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_UDF_CLOSED', message: expect.stringContaining('without answering info') });
  });

  it('fails on output cut in the middle of a message', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    p.fromUdf.write(Buffer.from([10, 1, 2]));
    p.end();
    await expect(client.close()).rejects.toThrow(/ended in the middle of a message/);
  });

  it('returns from close() what the UDF sent after its input ended', async () => {
    const p = peer();
    const client = new KapacitorClient(p.toUdf, p.fromUdf);
    p.toUdf.on('end', () => {
      p.send({ message: { $case: 'point', value: point({ time: 9n }) } });
      p.end();
    });
    expect(await client.close()).toEqual([{ $case: 'point', value: point({ time: 9n }) }]);
    expect(() => client.point(point())).toThrow(/closed/);
  });
});

describe('KapacitorClient.connect', () => {
  // Kapacitor's UDF socket is half-open capable (WirePeer.connect, which this
  // builds on): a UDF that ends its side first does not end the client's.
  it('keeps writing after the UDF half-closed its side', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-connect-'));
    const socketPath = path.join(dir, 'udf.sock');
    const server = createServer({ allowHalfOpen: true });
    const serverGot = new Promise<Request[]>((resolve) =>
      server.once('connection', (socket) => {
        const decoder = new FrameDecoder();
        const got: Request[] = [];
        socket.on('data', (chunk: Buffer) => {
          for (const f of decoder.push(chunk)) got.push(decodeRequest(f));
        });
        socket.on('end', () => {
          socket.destroy();
          server.close();
          resolve(got);
        });
        socket.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const client = await KapacitorClient.connect(socketPath);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the UDF's end has arrived
    client.send({ message: { $case: 'keepalive', value: { time: 7n } } });
    await client.close();
    expect(await serverGot).toEqual([{ message: { $case: 'keepalive', value: { time: 7n } } }]);
    rmSync(dir, { recursive: true, force: true });
  });
});
