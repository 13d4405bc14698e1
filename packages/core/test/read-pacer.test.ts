import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from '../src/agent';
import { encodeRequest } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { FrameDecoder } from '../src/frame-decoder';
import { silentLogger } from '../src/logger';
import { lowerReadAhead, ReadPacer } from '../src/read-pacer';
import { mirrorHandler as mirror } from './helpers/handlers';
import { point, req } from './helpers/requests';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ReadPacer', () => {
  function pacer(intervalMs: number) {
    const events: string[] = [];
    const p = new ReadPacer(
      intervalMs,
      () => events.push('pause'),
      () => events.push('resume'),
    );
    return { p, events };
  }

  test('work after a quiet interval is never held', async () => {
    const { p, events } = pacer(20);
    p.afterWork(100);
    await sleep(40);
    p.afterWork(100);
    expect(events).toEqual([]);
  });

  test('small chunks of work soon after each other pause the input until the interval is over', async () => {
    const { p, events } = pacer(30);
    p.afterWork(100);
    p.afterWork(100);
    expect(events).toEqual(['pause']);
    p.afterWork(100); // while paused: nothing more
    expect(events).toEqual(['pause']);
    await sleep(100);
    expect(events).toEqual(['pause', 'resume']);
  });

  test('a large chunk is never held (input already comes in bulk)', () => {
    const { p, events } = pacer(1000);
    p.afterWork(100);
    p.afterWork(64 * 1024);
    p.afterWork(100); // the large chunk does not count as recent small work
    expect(events).toEqual([]);
  });

  test('after stop(), a pending resume is dropped and nothing pauses again', async () => {
    const { p, events } = pacer(20);
    p.afterWork(100);
    p.afterWork(100);
    p.stop();
    await sleep(60);
    p.afterWork(100);
    p.afterWork(100);
    expect(events).toEqual(['pause']);
  });

  test('interval 0 never pauses', () => {
    const { p, events } = pacer(0);
    for (let i = 0; i < 10; i++) p.afterWork(10);
    expect(events).toEqual([]);
  });

  test('lowerReadAhead lowers the mark of a socket only, not of a stream fed by JavaScript', async () => {
    const { PassThrough } = await import('node:stream');
    const js = new PassThrough();
    lowerReadAhead(js);
    expect(js.readableHighWaterMark).toBeGreaterThan(1);
    const sock = new net.Socket();
    lowerReadAhead(sock);
    expect(sock.readableHighWaterMark).toBe(1);
    sock.destroy();
  });
});

/** Our Agent on one end of a unix socket, Kapacitor's side on the other. */
async function connected(pacingMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-pace-'));
  const file = path.join(dir, 's');
  const server = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(file, resolve));
  const kapacitor = net.createConnection({ path: file, allowHalfOpen: true });
  const udf = await accepted;
  const agent = new Agent({ input: udf, output: udf, handler: mirror, logger: silentLogger, pacingMs });
  const done = agent.start();
  const decoder = new FrameDecoder();
  const arrivals: number[] = [];
  const reads = { count: 0 };
  kapacitor.on('data', (chunk: Buffer) => {
    reads.count++;
    for (const _ of decoder.push(chunk)) arrivals.push(performance.now());
  });
  return {
    kapacitor,
    arrivals,
    reads,
    done,
    cleanup: () => {
      kapacitor.destroy();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// One frame as Kapacitor writes it: the length prefix, then the body, two writes.
function writeLikeKapacitor(sock: net.Socket, frame: Buffer): void {
  let n = 1;
  while (frame[n - 1] >= 0x80) n++;
  sock.write(frame.subarray(0, n));
  sock.write(frame.subarray(n));
}

const FRAME = Buffer.from(encodeFrame(encodeRequest({ message: req.point(point({ tags: { host: 'server01' } })) })));

describe('Agent pacing over a socket', () => {
  test('refuses a negative or non-finite pacingMs', async () => {
    const { PassThrough } = await import('node:stream');
    for (const pacingMs of [-1, NaN, Infinity]) {
      expect(
        () => new Agent({ input: new PassThrough(), output: new PassThrough(), handler: mirror, logger: silentLogger, pacingMs }),
      ).toThrow(/pacingMs/);
    }
  });

  test('a lone point written as Kapacitor writes it is answered well within the interval, burst or not', async () => {
    const c = await connected(200);
    try {
      // A burst of small writes first, so that pacing is in force if it ever holds a lone point.
      for (let i = 0; i < 50; i++) {
        writeLikeKapacitor(c.kapacitor, FRAME);
        await sleep(1);
      }
      while (c.arrivals.length < 50) await sleep(5);
      await sleep(400); // quiet for longer than the interval
      const sent = performance.now();
      writeLikeKapacitor(c.kapacitor, FRAME);
      while (c.arrivals.length < 51) await sleep(1);
      expect(c.arrivals[50] - sent).toBeLessThan(150);
    } finally {
      c.cleanup();
    }
  });

  // Points in runs of 10 a millisecond apart; returns how many reads brought the answers back.
  async function trickle(pacingMs: number): Promise<number> {
    const c = await connected(pacingMs);
    try {
      const n = 300;
      for (let i = 0; i < n; i++) {
        writeLikeKapacitor(c.kapacitor, FRAME);
        if (i % 10 === 9) await sleep(1);
      }
      c.kapacitor.end();
      await c.done;
      while (c.arrivals.length < n) await sleep(5);
      expect(c.arrivals.length).toBe(n);
      return c.reads.count;
    } finally {
      c.cleanup();
    }
  }

  test('points trickling in faster than the interval are all answered in a few runs, and EOF while paced ends cleanly', async () => {
    // 30 runs of points take 30+ ms: with a 100 ms interval, a handful of writes.
    expect(await trickle(100)).toBeLessThanOrEqual(6);
  });

  test('without pacing (0), the same trickle is answered run by run', async () => {
    expect(await trickle(0)).toBeGreaterThanOrEqual(15);
  });
});
