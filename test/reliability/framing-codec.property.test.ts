/**
 * Property-based tests of the framing and codec (fast-check):
 * - random messages round-trip, and re-encode to the same bytes;
 * - random chunkings of a valid stream decode to the same frames, through
 *   FrameDecoder and through a running Agent;
 * - random byte strings only ever end in a ProtocolError, at exactly the
 *   byte a reference model says, and a declared length over the limit is
 *   refused as soon as the length prefix is complete (nothing of such a body
 *   is ever buffered).
 */
import { PassThrough } from 'node:stream';
import {
  Agent,
  DEFAULT_MAX_MESSAGE_SIZE,
  decodeRequest,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  type Handler,
  type Point,
  ProtocolError,
  type Request,
  type Response,
  silentLogger,
} from '@kapacitor-udf/core';
import fc from 'fast-check';
import { chunking, point, request, response, split } from './helpers/arbitraries';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

describe('codec round trips', () => {
  test('any Request: decode(encode(r)) equals r, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(request, (req) => {
        const bytes = encodeRequest(req);
        const back = decodeRequest(bytes);
        expect(back).toEqual(req);
        expect(Buffer.from(encodeRequest(back))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  test('any Response: decode(encode(r)) equals r, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(response, (res) => {
        const bytes = encodeResponse(res);
        const back = decodeResponse(bytes);
        expect(back).toEqual(res);
        expect(Buffer.from(encodeResponse(back))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  test('a point is the same bytes as a Request and as a Response (what a mirror relies on)', () => {
    fc.assert(
      fc.property(point, (p) => {
        const asRequest = encodeRequest({ message: { $case: 'point', value: p } });
        const asResponse = encodeResponse({ message: { $case: 'point', value: p } });
        expect(Buffer.from(asResponse)).toEqual(Buffer.from(asRequest));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('framing under random chunking', () => {
  const stream = fc.array(request, { minLength: 1, maxLength: 12 }).chain((reqs) => {
    const bodies = reqs.map((r) => encodeRequest(r));
    const bytes = concat(bodies.map((b) => encodeFrame(b)));
    return chunking(bytes.length).map((cuts) => ({ reqs, bodies, bytes, cuts }));
  });

  test('FrameDecoder.push returns the same bodies however the stream is cut', () => {
    fc.assert(
      fc.property(stream, ({ bodies, bytes, cuts }) => {
        const decoder = new FrameDecoder();
        const got: Buffer[] = [];
        for (const chunk of split(bytes, cuts)) for (const body of decoder.push(chunk)) got.push(Buffer.from(body));
        decoder.end();
        expect(got).toEqual(bodies.map((b) => Buffer.from(b)));
      }),
      { numRuns: RUNS },
    );
  });

  test('FrameDecoder.feed (the Agent path) reports the same bodies at their stream offsets', () => {
    fc.assert(
      fc.property(stream, ({ bodies, bytes, cuts }) => {
        const decoder = new FrameDecoder();
        const got: Array<{ body: Buffer; offset: number }> = [];
        for (const chunk of split(bytes, cuts)) {
          decoder.feed(chunk, (buf, start, end, offset) => got.push({ body: Buffer.from(buf.subarray(start, end)), offset }));
        }
        decoder.end();
        let offset = 0;
        const expected = bodies.map((b) => {
          const prefix = encodeFrame(b).length - b.length;
          const entry = { body: Buffer.from(b), offset: offset + prefix };
          offset += prefix + b.length;
          return entry;
        });
        expect(got).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  test('a running Agent (mirroring points, answering keepalives) gives the same output however its input is cut', async () => {
    const items = fc.array(
      fc.oneof(
        { weight: 4, arbitrary: point.map((p): Request => ({ message: { $case: 'point', value: p } })) },
        {
          weight: 1,
          arbitrary: fc
            .bigInt({ min: 0n, max: 2n ** 63n - 1n })
            .map((t): Request => ({ message: { $case: 'keepalive', value: { time: t } } })),
        },
      ),
      { minLength: 1, maxLength: 15 },
    );
    const input = items.chain((reqs) => {
      const bytes = concat(reqs.map((r) => encodeFrame(encodeRequest(r))));
      return chunking(bytes.length).map((cuts) => ({ reqs, bytes, cuts }));
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ reqs, bytes, cuts }) => {
        const out = await runAgent(split(bytes, cuts));
        const expected: Response[] = reqs.map((r) =>
          r.message!.$case === 'point'
            ? { message: { $case: 'point', value: r.message!.value as Point } }
            : { message: { $case: 'keepalive', value: { time: (r.message!.value as { time: bigint }).time } } },
        );
        expect(out).toEqual(expected);
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 6)) },
    );
  });
});

/** A mirror written straight against the core Handler interface. */
function mirrorHandler(emit: (p: Point) => void): Handler {
  return {
    info: () => ({ wants: 0, provides: 0, options: {} }),
    init: () => ({ success: true, error: '' }),
    snapshot: () => ({ snapshot: Buffer.alloc(0) }),
    restore: () => ({ success: true, error: '' }),
    beginBatch: () => undefined,
    point: (p) => emit(p),
    endBatch: () => undefined,
    stop: () => undefined,
  };
}

async function runAgent(chunks: Uint8Array[]): Promise<Response[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: Buffer[] = [];
  output.on('data', (c: Buffer) => received.push(c));
  const agent = new Agent({ input, output, handler: (emitter) => mirrorHandler((p) => emitter.point(p)), logger: silentLogger });
  const done = agent.start();
  for (const c of chunks) input.write(Buffer.from(c));
  input.end();
  await done;
  const decoder = new FrameDecoder();
  const frames = decoder.push(Buffer.concat(received));
  decoder.end();
  return frames.map((f) => decodeResponse(f));
}

// ----------------------------------------------------------------- random bytes

type ModelEvent =
  | { frame: Buffer; at: number }
  | { error: 'ERR_VARINT_TOO_LONG' | 'ERR_FRAME_TOO_LARGE' | 'ERR_TRUNCATED_FRAME'; at: number };

/**
 * What a correct decoder must do with `bytes` and limit `max`: each frame
 * with the offset of the byte completing it, or the error with the offset of
 * the byte that reveals it (at = bytes.length: revealed by end()).
 */
function model(bytes: Uint8Array, max: number): ModelEvent[] {
  const events: ModelEvent[] = [];
  let i = 0;
  while (i < bytes.length) {
    let value = 0;
    let n = 0;
    for (;;) {
      if (i >= bytes.length) return [...events, { error: 'ERR_TRUNCATED_FRAME', at: bytes.length }];
      if (n === 10) return [...events, { error: 'ERR_VARINT_TOO_LONG', at: i }];
      const b = bytes[i++];
      value += (b & 0x7f) * 2 ** (7 * n);
      n++;
      if (b < 0x80) break;
    }
    if (value > max) return [...events, { error: 'ERR_FRAME_TOO_LARGE', at: i - 1 }];
    if (bytes.length - i < value) return [...events, { error: 'ERR_TRUNCATED_FRAME', at: bytes.length }];
    events.push({ frame: Buffer.from(bytes.subarray(i, i + value)), at: value === 0 ? i - 1 : i + value - 1 });
    i += value;
  }
  return events;
}

/** Bytes that look like a stream: mostly small lengths, sometimes long varints and runs of 0xff. */
const noisyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc.uint8Array({ maxLength: 8 }),
        fc.constant(new Uint8Array(12).fill(0xff)),
        fc.integer({ min: 0, max: 0x7f }).map((n) => Uint8Array.of(n)),
      ),
      {
        maxLength: 40,
      },
    )
    .map((parts) => concat(parts)),
);

describe('random bytes', () => {
  test('FrameDecoder: frames and errors exactly where the reference model puts them; only ProtocolErrors', () => {
    const input = fc
      .record({ bytes: noisyBytes, max: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(DEFAULT_MAX_MESSAGE_SIZE)) })
      .chain(({ bytes, max }) => chunking(bytes.length).map((cuts) => ({ bytes, max, cuts })));
    fc.assert(
      fc.property(input, ({ bytes, max, cuts }) => {
        const expected = model(bytes, max);
        const chunks = split(bytes, cuts);
        const chunkOf = (offset: number): number => {
          // Index of the chunk holding byte `offset` (chunks.length for end()).
          if (offset >= bytes.length) return chunks.length;
          let pos = 0;
          for (let c = 0; c < chunks.length; c++) {
            pos += chunks[c].length;
            if (offset < pos) return c;
          }
          return chunks.length;
        };
        const decoder = new FrameDecoder({ maxMessageSize: max });
        const got: Array<{ frame: Buffer; chunk: number } | { error: string; chunk: number }> = [];
        const step = (c: number, fn: () => void): boolean => {
          try {
            fn();
            return true;
          } catch (err) {
            if (!(err instanceof ProtocolError))
              throw new Error(`threw a ${(err as Error)?.constructor?.name}, not a ProtocolError: ${String(err)}`);
            got.push({ error: err.code, chunk: c });
            return false;
          }
        };
        let ok = true;
        for (let c = 0; c < chunks.length && ok; c++) {
          ok = step(c, () =>
            decoder.feed(chunks[c], (buf, s, e) => {
              expect(e - s).toBeLessThanOrEqual(max);
              got.push({ frame: Buffer.from(buf.subarray(s, e)), chunk: c });
            }),
          );
        }
        if (ok) step(chunks.length, () => decoder.end());
        expect(got).toEqual(
          expected.map((ev) => ('frame' in ev ? { frame: ev.frame, chunk: chunkOf(ev.at) } : { error: ev.error, chunk: chunkOf(ev.at) })),
        );
        // A failed decoder stays failed, with the same error.
        if (!ok) expect(() => decoder.push(Uint8Array.of(0))).toThrow(ProtocolError);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('decodeRequest / decodeResponse of any bytes: a message or a ProtocolError, nothing else', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      // Valid messages with a few bytes flipped: deeper into the decoders.
      fc
        .tuple(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
        .map(([r, flips]) => {
          const b = Buffer.from(encodeRequest(r));
          for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
          return new Uint8Array(b);
        }),
      // Valid messages cut short.
      fc.tuple(request, fc.nat()).map(([r, cut]) => {
        const b = encodeRequest(r);
        return b.subarray(0, b.length === 0 ? 0 : cut % b.length);
      }),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        for (const decode of [decodeRequest, decodeResponse]) {
          try {
            decode(body);
          } catch (err) {
            if (!(err instanceof ProtocolError))
              throw new Error(`${decode.name} threw ${(err as Error)?.constructor?.name}: ${String(err)}`);
            expect(err.code).toBe('ERR_INVALID_MESSAGE');
            expect(err.offset).toBeGreaterThanOrEqual(0);
            expect(err.offset).toBeLessThanOrEqual(body.length);
          }
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('a length inside a message larger than the message is a ProtocolError, never an allocation', () => {
    // Request.point (field 17) whose declared length is 2^31, 2^53 and 2^63-ish.
    for (const len of [
      [0x80, 0x80, 0x80, 0x80, 0x08],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ]) {
      expect(() => decodeRequest(Uint8Array.from([0x8a, 0x01, ...len, 0x0a]))).toThrow(ProtocolError);
      // And a Point's tags entry / string field declaring the same.
      expect(() => decodeRequest(Uint8Array.from([0x8a, 0x01, 2 + len.length, 0x12, ...len]))).toThrow(ProtocolError);
    }
  });

  test('a declared length just under the limit buffers only what arrived, not what was declared', () => {
    const decoder = new FrameDecoder();
    const before = process.memoryUsage().arrayBuffers;
    const lengthPrefix = [0xff, 0xff, 0xff, 0x1f]; // 67,108,863 = 64 MiB - 1: allowed
    expect(decoder.push(Uint8Array.from([...lengthPrefix, 1, 2, 3]))).toEqual([]);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(() => decoder.end()).toThrow(/declares 67108863 bytes of message but only 3 arrived/);
  });
});
