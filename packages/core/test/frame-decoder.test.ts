import fc from 'fast-check';
import { readVectors, splitFrames } from '../../../test/vectors/read';
import { encodeFrame } from '../src/encode-frame';
import { ProtocolError } from '../src/errors';
import { DEFAULT_MAX_MESSAGE_SIZE, FrameDecoder } from '../src/frame-decoder';

const stream = readVectors('requests').frames;
const expectedFrames = splitFrames(stream);
const expected = expectedFrames.map((f) => f.toString('hex'));

function decodeChunks(chunks: Uint8Array[], decoder = new FrameDecoder()): string[] {
  const out: string[] = [];
  for (const c of chunks) for (const f of decoder.push(c)) out.push(Buffer.from(f).toString('hex'));
  decoder.end();
  return out;
}

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

describe('FrameDecoder', () => {
  test('the whole vector stream in one chunk', () => {
    expect(decodeChunks([stream])).toEqual(expected);
  });

  test('split in two at every byte position', () => {
    // Compared with Buffer.equals (not hex strings): 120k splits of a 120 kB stream.
    for (let at = 0; at <= stream.length; at++) {
      const d = new FrameDecoder();
      const got = [...d.push(stream.subarray(0, at)), ...d.push(stream.subarray(at))];
      d.end();
      if (got.length !== expectedFrames.length || got.some((f, i) => !expectedFrames[i].equals(f))) {
        throw new Error(`wrong frames when split at byte ${at}`);
      }
    }
  }, 180_000);

  test('one byte at a time', () => {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) chunks.push(stream.subarray(i, i + 1));
    expect(decodeChunks(chunks)).toEqual(expected);
  });

  test('random chunkings', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
        expect(decodeChunks(chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('frames inside one chunk are returned without copying', () => {
    const chunk = Buffer.concat([encodeFrame(Buffer.from('abc')), encodeFrame(Buffer.from('defg'))]);
    const frames = new FrameDecoder().push(chunk);
    expect(frames.map((f) => Buffer.from(f).toString())).toEqual(['abc', 'defg']);
    for (const f of frames) expect(f.buffer).toBe(chunk.buffer);
  });

  test('a body split only at its length prefix is still returned without copying', () => {
    const frame = encodeFrame(Buffer.alloc(300, 7)); // 2-byte prefix
    const d = new FrameDecoder();
    expect(d.push(frame.subarray(0, 2))).toEqual([]);
    const body = frame.subarray(2);
    const [out] = d.push(body);
    expect(out.buffer).toBe(body.buffer);
    expect(out.length).toBe(300);
  });

  test('zero-length frames, and a large body over many chunks', () => {
    const big = Buffer.alloc(200_000, 0xab);
    const input = Buffer.concat([encodeFrame(Buffer.alloc(0)), encodeFrame(big), encodeFrame(Buffer.alloc(0))]);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < input.length; i += 4096) chunks.push(input.subarray(i, i + 4096));
    const frames = decodeChunks(chunks);
    expect(frames.map((f) => f.length / 2)).toEqual([0, 200_000, 0]);
  });

  test('reports body offsets in the stream when asked', () => {
    const input = Buffer.concat([encodeFrame(Buffer.from('a')), encodeFrame(Buffer.alloc(200, 1)), encodeFrame(Buffer.from('b'))]);
    const d = new FrameDecoder();
    const offsets: number[] = [];
    d.push(input.subarray(0, 5), offsets);
    d.push(input.subarray(5), offsets);
    expect(offsets).toEqual([1, 4, 205]);
  });

  test('a declared length above maxMessageSize fails before the body arrives', () => {
    const d = new FrameDecoder({ maxMessageSize: 100 });
    d.push(encodeFrame(Buffer.alloc(100)));
    const err = thrown(() => d.push(Buffer.from([0xe5, 0x00]))); // 101
    expect(err.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(err.offset).toBe(101);
    expect(err.message).toMatch(/101-byte message.*maxMessageSize \(100 bytes\).*at byte 101|at byte 101.*101-byte/);
    // The decoder stays failed.
    expect(thrown(() => d.push(Buffer.from([1, 1]))).code).toBe('ERR_FRAME_TOO_LARGE');
  });

  test('default max message size is 64 MiB, checked on the declared length alone', () => {
    expect(DEFAULT_MAX_MESSAGE_SIZE).toBe(64 * 1024 * 1024);
    const d = new FrameDecoder();
    const prefix = Buffer.from(encodeFrame(Buffer.alloc(0))); // placeholder to get a decoder in sync
    d.push(prefix);
    // uvarint(64 MiB + 1) = 0x81 0x80 0x80 0x20
    const err = thrown(() => d.push(Buffer.from([0x81, 0x80, 0x80, 0x20])));
    expect(err.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(err.offset).toBe(1);
    // Exactly the limit is accepted (the decoder waits for the body).
    expect(new FrameDecoder().push(Buffer.from([0x80, 0x80, 0x80, 0x20]))).toEqual([]);
  });

  test('a length prefix longer than 10 bytes', () => {
    const d = new FrameDecoder();
    d.push(encodeFrame(Buffer.from('xyz'))); // 4 bytes
    d.push(Buffer.alloc(6, 0xff));
    const err = thrown(() => d.push(Buffer.alloc(6, 0xff)));
    expect(err.code).toBe('ERR_VARINT_TOO_LONG');
    expect(err.offset).toBe(4);
    expect(err.message).toContain('byte 4');
  });

  test('end() inside a length prefix or a body', () => {
    const inPrefix = new FrameDecoder();
    inPrefix.push(Buffer.from([0x02, 0x61, 0x62, 0x80]));
    const e1 = thrown(() => inPrefix.end());
    expect(e1.code).toBe('ERR_TRUNCATED_FRAME');
    expect(e1.offset).toBe(3);
    expect(e1.message).toMatch(/length prefix.*byte 3/);

    const inBody = new FrameDecoder();
    inBody.push(Buffer.from([0x01, 0x61, 0x05, 0x61]));
    const e2 = thrown(() => inBody.end());
    expect(e2.code).toBe('ERR_TRUNCATED_FRAME');
    expect(e2.offset).toBe(2);
    expect(e2.message).toMatch(/declares 5 bytes .* only 1 arrived/);

    const clean = new FrameDecoder();
    clean.push(Buffer.from([0x01, 0x61]));
    expect(() => clean.end()).not.toThrow();
  });

  test('rejects a nonsensical maxMessageSize', () => {
    expect(() => new FrameDecoder({ maxMessageSize: -1 })).toThrow(RangeError);
  });
});

describe('encodeFrame', () => {
  test('prefixes the body with its uvarint length', () => {
    expect(Buffer.from(encodeFrame(Buffer.from('hi'))).toString('hex')).toBe('026869');
    const big = encodeFrame(Buffer.alloc(300));
    expect(Buffer.from(big.subarray(0, 2)).toString('hex')).toBe('ac02');
    expect(big.length).toBe(302);
  });

  test('round-trips through the decoder', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 20 }), (bodies) => {
        const stream = Buffer.concat(bodies.map((b) => encodeFrame(b)));
        const got = new FrameDecoder().push(stream).map((f) => Buffer.from(f).toString('hex'));
        expect(got).toEqual(bodies.map((b) => Buffer.from(b).toString('hex')));
      }),
    );
  });
});
