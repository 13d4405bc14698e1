import fc from 'fast-check';
import { PassThrough, Writable } from 'stream';
import { encodeResponse } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { FrameWriter } from '../src/frame-writer';
import type { Point, Response } from '../src/generated/udf';
import { point } from './kapacitor-side';

// Property runs and stream tests do real work: give them room on a loaded machine.
jest.setTimeout(120_000);

function collect(stream: PassThrough): () => Buffer {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks);
}

const flushTick = () => new Promise((r) => process.nextTick(r));

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
          const msg: Response = size % 3 === 0
            ? { message: { $case: 'point', value: point({ name: 'x'.repeat(size) }) } }
            : size % 3 === 1
              ? { message: { $case: 'error', value: { error: 'e'.repeat(size) } } }
              : { message: { $case: 'keepalive', value: { time: BigInt(size) } } };
          if (msg.message?.$case === 'point') w.writePoint(msg.message.value);
          else w.writeResponse(msg);
          expected.push(Buffer.from(encodeFrame(encodeResponse(msg))));
        }
        await flushTick();
        expect(read().equals(Buffer.concat(expected))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('many small frames are coalesced into few writes', async () => {
    const writes: number[] = [];
    const out = new Writable({ highWaterMark: 1 << 30, write: (chunk: Buffer, _e, cb) => { writes.push(chunk.length); cb(); } });
    const w = new FrameWriter(out);
    for (let i = 0; i < 10_000; i++) w.writePoint(point());
    await flushTick();
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
    const expected = Buffer.concat(['a', 'c'].map((name) => Buffer.from(encodeFrame(encodeResponse({ message: { $case: 'point', value: point({ name }) as Point } })))));
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
});
