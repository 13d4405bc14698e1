import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { encodeResponse } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { FrameWriter, WRITE_INTERVAL_MS } from '../src/frame-writer';
import type { Point, Response } from '../src/generated/udf';
import { point } from './helpers/requests';

// Property runs and stream tests do real work: give them room on a loaded machine.
jest.setTimeout(120_000);

function collect(stream: PassThrough): () => Buffer {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks);
}

const flushTick = () => new Promise((r) => process.nextTick(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Writable recording each write's size and when it happened. */
function recorder(): { out: Writable; writes: { bytes: number; at: number }[] } {
  const writes: { bytes: number; at: number }[] = [];
  const out = new Writable({
    highWaterMark: 1 << 30,
    write: (chunk: Buffer, _e, cb) => {
      writes.push({ bytes: chunk.length, at: performance.now() });
      cb();
    },
  });
  return { out, writes };
}

describe('FrameWriter', () => {
  test('frames are byte-identical to encodeFrame(encodeResponse(msg)), across every size class', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 30 }), async (sizes) => {
        const out = new PassThrough({ highWaterMark: 1 << 30 });
        const read = collect(out);
        const w = new FrameWriter(out, { chunkSize: 4096 });
        const expected: Buffer[] = [];
        for (const size of sizes) {
          // Sizes cross the 1-, 2- and 3-byte length prefixes, and the chunk size.
          const msg: Response =
            size % 3 === 0
              ? { message: { $case: 'point', value: point({ name: 'x'.repeat(size) }) } }
              : size % 3 === 1
                ? { message: { $case: 'error', value: { error: 'e'.repeat(size) } } }
                : { message: { $case: 'keepalive', value: { time: BigInt(size) } } };
          if (msg.message?.$case === 'point') w.writePoint(msg.message.value);
          else w.writeResponse(msg);
          expected.push(Buffer.from(encodeFrame(encodeResponse(msg))));
        }
        // Whole chunks went out at once; flush() hands over what the write interval holds.
        w.flush();
        await flushTick();
        expect(read().equals(Buffer.concat(expected))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('many small frames are coalesced into few writes', async () => {
    const writes: number[] = [];
    const out = new Writable({
      highWaterMark: 1 << 30,
      write: (chunk: Buffer, _e, cb) => {
        writes.push(chunk.length);
        cb();
      },
    });
    const w = new FrameWriter(out);
    for (let i = 0; i < 10_000; i++) w.writePoint(point());
    // Full chunks went out at once; the rest is held until the write interval is over.
    await sleep(WRITE_INTERVAL_MS + 20);
    const total = writes.reduce((a, b) => a + b, 0);
    expect(total).toBe(10_000 * Buffer.from(encodeFrame(encodeResponse({ message: { $case: 'point', value: point() } }))).length);
    expect(writes.length).toBeLessThan(total / 30_000 + 3);
  });

  test('an encoding error writes nothing, later frames are intact', async () => {
    const out = new PassThrough();
    const read = collect(out);
    const w = new FrameWriter(out);
    w.writePoint(point({ name: 'a' }));
    expect(() => w.writePoint(point({ name: 'b', fieldsInt: { bad: 1 as unknown as bigint } }))).toThrow(/must be a bigint/);
    w.writePoint(point({ name: 'c' }));
    await flushTick();
    const expected = Buffer.concat(
      ['a', 'c'].map((name) => Buffer.from(encodeFrame(encodeResponse({ message: { $case: 'point', value: point({ name }) as Point } })))),
    );
    expect(read().equals(expected)).toBe(true);
  });

  test('refuses a Response with no message set', () => {
    const w = new FrameWriter(new PassThrough());
    expect(() => w.writeResponse({ message: undefined })).toThrow(/no message set/);
    expect(w.pendingBytes).toBe(0);
  });

  test('reports backpressure and drain', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    let blocked = 0;
    let drained = 0;
    const w = new FrameWriter(out, { onBlocked: () => blocked++, onDrain: () => drained++ });
    for (let i = 0; i < 100; i++) w.writePoint(point());
    expect(w.flush()).toBe(false);
    expect(w.blocked).toBe(true);
    expect(blocked).toBe(1);
    out.resume();
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(1);
    expect(w.blocked).toBe(false);
  });

  describe('write interval under sustained load', () => {
    test('a lone frame is written on the tick that produced it', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 50 });
      w.writePoint(point());
      await flushTick();
      expect(writes.length).toBe(1);
    });

    test('frames produced soon after a write are held, then written together once the interval is over', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 50 });
      w.writePoint(point());
      await flushTick();
      const first = writes[0].at;
      // Ten more ticks with a frame each, all within the interval.
      for (let i = 0; i < 10; i++) {
        w.writePoint(point());
        await flushTick();
      }
      expect(writes.length).toBe(1);
      expect(w.pendingBytes).toBeGreaterThan(0);
      await sleep(200);
      expect(writes.length).toBe(2);
      expect(writes[1].bytes).toBe(10 * writes[0].bytes);
      // Timers may fire a little early or late; never long before the interval.
      expect(writes[1].at - first).toBeGreaterThanOrEqual(45);
      expect(w.pendingBytes).toBe(0);
    });

    test('after a quiet interval, the next frame is written at once again', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 20 });
      w.writePoint(point());
      await flushTick();
      await sleep(60);
      w.writePoint(point());
      await flushTick();
      expect(writes.length).toBe(2);
    });

    test('a full chunk is written at once even while output is held', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 10_000, chunkSize: 4096 });
      w.writePoint(point());
      await flushTick();
      for (let i = 0; i < 200; i++) w.writePoint(point());
      await flushTick();
      const written = writes.reduce((a, b) => a + b.bytes, 0);
      expect(written + w.pendingBytes).toBe(201 * writes[0].bytes);
      expect(w.pendingBytes).toBeLessThan(4096);
      expect(writes.length).toBeGreaterThan(1);
      w.close();
    });

    test('flush() writes held frames at once', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 10_000 });
      w.writePoint(point());
      await flushTick();
      w.writePoint(point());
      await flushTick();
      expect(writes.length).toBe(1);
      w.flush();
      expect(writes.length).toBe(2);
      expect(w.pendingBytes).toBe(0);
      w.close();
    });

    test('minWriteIntervalMs 0 writes on every tick', async () => {
      const { out, writes } = recorder();
      const w = new FrameWriter(out, { minWriteIntervalMs: 0 });
      for (let i = 0; i < 5; i++) {
        w.writePoint(point());
        await flushTick();
      }
      expect(writes.length).toBe(5);
    });

    test('refuses a negative or non-finite interval', () => {
      expect(() => new FrameWriter(new PassThrough(), { minWriteIntervalMs: -1 })).toThrow(/minWriteIntervalMs/);
      expect(() => new FrameWriter(new PassThrough(), { minWriteIntervalMs: NaN })).toThrow(/minWriteIntervalMs/);
    });
  });
});
