import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Agent } from '../src/agent';
import { decodeResponse, encodeRequest } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { OutputClosedError } from '../src/errors';
import { FrameDecoder } from '../src/frame-decoder';
import { silentLogger } from '../src/logger';
import { mirrorHandler as mirror } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

// Property runs and stream tests do real work: give them room on a loaded machine.
jest.setTimeout(120_000);

/** A connected pair of unix sockets (allowHalfOpen, as a UDF socket server must use). */
async function socketPair(): Promise<{ udf: net.Socket; kapacitor: net.Socket; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-sock-'));
  const file = path.join(dir, 's');
  const server = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(file, resolve));
  const kapacitor = net.createConnection({ path: file, allowHalfOpen: true });
  const udf = await accepted;
  return {
    udf,
    kapacitor,
    cleanup: () => {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const FRAME = Buffer.from(
  encodeFrame(encodeRequest({ message: req.point(point({ tags: { host: 'server01', region: 'us-west', cpu: 'cpu-total' } })) })),
);

describe('Agent over real streams', () => {
  test('backpressure: a reader that does not read makes the agent stop reading its input', async () => {
    const input = new PassThrough(); // default highWaterMark: 16 KiB
    const output = new PassThrough();
    const agent = new Agent({ input, output, handler: mirror, logger: silentLogger });
    const done = agent.start();
    // Kapacitor side pushes 8 MB of points, honouring the input's backpressure.
    const chunk = Buffer.concat(Array.from({ length: 400 }, () => FRAME));
    const total = Math.ceil(8_000_000 / chunk.length);
    let sent = 0;
    let blockedAt = -1;
    while (sent < total) {
      const ok = input.write(chunk);
      sent++;
      if (!ok) {
        // Either the agent reads on (drain), or it paused its input: with
        // nobody reading the output, a pause is permanent.
        const drained = await new Promise<boolean>((resolve) => {
          const poll = setInterval(() => {
            if (input.isPaused()) {
              clearInterval(poll);
              input.removeListener('drain', onDrain);
              resolve(false);
            }
          }, 5);
          const onDrain = () => {
            clearInterval(poll);
            resolve(true);
          };
          input.once('drain', onDrain);
        });
        if (!drained) {
          blockedAt = sent;
          break;
        }
      }
    }
    // The writer got stuck long before sending everything: the agent stopped reading.
    expect(blockedAt).toBeGreaterThan(-1);
    expect(blockedAt).toBeLessThan(total / 4);
    expect(input.isPaused()).toBe(true);
    // Memory stays bounded: what sits in the streams is a few chunks, not the 8 MB.
    const buffered = input.readableLength + input.writableLength + output.readableLength + output.writableLength;
    expect(buffered).toBeLessThan(2_000_000);

    // Once the reader reads, everything flows and nothing is lost.
    const decoder = new FrameDecoder();
    let received = 0;
    output.on('data', (c: Buffer) => decoder.feed(c, () => received++));
    if (input.writableNeedDrain) await new Promise((r) => input.once('drain', r));
    for (; sent < total; sent++) if (!input.write(chunk)) await new Promise((r) => input.once('drain', r));
    input.end();
    await done;
    expect(received).toBe(total * 400);
  });

  test('over a unix socket: a full conversation, half-close, and the agent closes its side', async () => {
    const { udf, kapacitor, cleanup } = await socketPair();
    try {
      const agent = new Agent({ input: udf, output: udf, handler: mirror, logger: silentLogger });
      const done = agent.start();
      const decoder = new FrameDecoder();
      let received = 0;
      kapacitor.on('data', (c: Buffer) => decoder.feed(c, () => received++));
      const ended = new Promise((r) => kapacitor.once('end', r));
      kapacitor.write(Buffer.concat(Array.from({ length: 10_000 }, () => FRAME)));
      kapacitor.end(); // half-close: Kapacitor stops the task
      await done;
      await ended;
      expect(received).toBe(10_000);
    } finally {
      cleanup();
    }
  });

  test('the peer going away (EPIPE / ECONNRESET): no uncaught exception, start() rejects clearly', async () => {
    const { udf, kapacitor, cleanup } = await socketPair();
    try {
      const agent = new Agent({
        input: udf,
        output: udf,
        logger: silentLogger,
        // Emit a lot per request so writes are in flight when the peer dies.
        handler: (e) => ({
          ...mirror(e),
          point: (p) => {
            for (let i = 0; i < 2000; i++) e.point(p);
          },
        }),
      });
      const done = agent.start();
      kapacitor.write(Buffer.concat(Array.from({ length: 50 }, () => FRAME)));
      await tick(20);
      kapacitor.destroy();
      const err = await done.then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(OutputClosedError);
      expect((err as OutputClosedError).code).toBe('ERR_OUTPUT_CLOSED');
      expect(err!.message).toMatch(/output stream (failed|closed)/);
    } finally {
      cleanup();
    }
  });

  test('a queue of requests behind a pending async handler is bounded in bytes: input pauses, keepalives read until then are answered', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const agent = new Agent({
      input,
      output,
      logger: silentLogger,
      maxQueuedRequests: 100,
      // Past 100 decoded requests, 200 more held as bytes (each body plus overhead) pause the input.
      maxQueuedSize: 200 * (FRAME.length + 160),
      handler: (e) => ({
        ...mirror(e),
        point: async (p) => {
          calls++;
          await gate;
          e.point(p);
        },
      }),
    });
    const done = agent.start();
    const kinds: string[] = [];
    const decoder = new FrameDecoder();
    output.on('data', (c: Buffer) =>
      decoder.feed(c, (buf, start, end) => kinds.push(decodeResponse(buf.subarray(start, end)).message!.$case)),
    );
    const keepalive = Buffer.from(encodeFrame(encodeRequest({ message: req.keepalive(7n) })));
    // The second keepalive is behind more than 100 queued requests: still read and answered.
    input.write(
      Buffer.concat([
        ...Array.from({ length: 50 }, () => FRAME),
        keepalive,
        ...Array.from({ length: 150 }, () => FRAME),
        keepalive,
        ...Array.from({ length: 298 }, () => FRAME),
      ]),
    );
    await tick(20);
    expect(calls).toBe(1);
    expect(input.isPaused()).toBe(true);
    expect(kinds).toEqual(['keepalive', 'keepalive']);
    release();
    input.end();
    await done;
    expect(kinds.length).toBe(500);
    expect(kinds.filter((k) => k === 'point').length).toBe(498);
  });
});
