/**
 * The wire writer, byte for byte, against a plain reference encoder: varints
 * at every length boundary, int64 and int32 (negatives take 10 bytes, as in
 * Go), strings around the one-byte-length fast path, lengths fixed up after
 * the content, a small buffer that has to grow mid-value; and the message of
 * every wrong value a handler can hand it.
 */
import fc from 'fast-check';
import { EncodeError } from '../src/errors';
import { varintSize, WireWriter, writeUvarintAt } from '../src/wire-writer';

/** The reference: an unsigned value (below 2^64) as protobuf varint bytes. */
function refVarint(v: bigint): number[] {
  const out: number[] = [];
  let n = v;
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

/** What `write` wrote, on a writer whose buffer starts at `chunkSize` bytes. */
function written(write: (w: WireWriter) => void, chunkSize = 4): number[] {
  const w = new WireWriter(chunkSize);
  write(w);
  return [...w.buf.subarray(0, w.pos)];
}

const BOUNDARIES = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0x7fffffff, 0xffffffff];

describe('WireWriter varints against the reference', () => {
  test.each(BOUNDARIES)('uvarint(%d) and varintSize', (n) => {
    expect(written((w) => w.uvarint(n))).toEqual(refVarint(BigInt(n)));
    expect(varintSize(n)).toBe(refVarint(BigInt(n)).length);
    const buf = new Uint8Array(8);
    expect(writeUvarintAt(buf, 1, n)).toBe(1 + refVarint(BigInt(n)).length);
    expect([...buf.subarray(1, 1 + refVarint(BigInt(n)).length)]).toEqual(refVarint(BigInt(n)));
  });

  test('varintSize up to 2^35', () => {
    for (const n of [2 ** 32, 2 ** 35 - 1]) expect(varintSize(n)).toBe(5);
  });

  const int64Edges = [
    0n,
    1n,
    -1n,
    127n,
    128n,
    2n ** 56n - 1n,
    2n ** 56n,
    2n ** 56n + 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    1_700_000_000_123_456_789n,
  ];

  test.each(int64Edges)('int64(%p)', (v) => {
    expect(written((w) => w.int64(v, 'v'))).toEqual(refVarint(BigInt.asUintN(64, v)));
  });

  test('any int64, any int32', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        expect(written((w) => w.int64(v, 'v'))).toEqual(refVarint(BigInt.asUintN(64, v)));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        // Negative int32s are sign-extended to 64 bits: 10 bytes, as Go writes them.
        expect(written((w) => w.int32(v, 'v'))).toEqual(refVarint(BigInt.asUintN(64, BigInt(v))));
      }),
      { numRuns: 500 },
    );
    for (const v of [0, 127, 128, -1, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(written((w) => w.int32(v, 'v'))).toEqual(refVarint(BigInt.asUintN(64, BigInt(v))));
    }
  });
});

describe('WireWriter strings, bytes and lengths', () => {
  const refString = (s: string): number[] => {
    const utf8 = [...Buffer.from(s, 'utf8')];
    return [...refVarint(BigInt(utf8.length)), ...utf8];
  };

  test.each([
    ['empty', ''],
    ['U+0080, the first non-ASCII character', '\u0080'],
    ['42 ASCII then one 3-byte character', `${'a'.repeat(42)}€`],
    ['42 three-byte characters (126 bytes: one length byte)', '€'.repeat(42)],
    ['43 three-byte characters (129 bytes: two length bytes)', '€'.repeat(43)],
    ['43 ASCII characters', 'b'.repeat(43)],
    ['a lone surrogate (written as U+FFFD)', 'x\uD800y'],
    ['a long mixed string', `${'é'.repeat(300)}z`],
  ])('%s', (_what, s) => {
    expect(written((w) => w.string(s, 's'))).toEqual(refString(s));
    // Also after other bytes, in a buffer that must grow during the string.
    const afterAByte = (w: WireWriter): void => {
      w.byte(9);
      w.string(s, 's');
    };
    expect(written(afterAByte, 2)).toEqual([9, ...refString(s)]);
  });

  test('any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(written((w) => w.string(s, 's'))).toEqual(refString(s));
      }),
      { numRuns: 500 },
    );
  });

  test('bytes are length-prefixed and copied', () => {
    const b = Uint8Array.from({ length: 200 }, (_, i) => i);
    expect(written((w) => w.bytes(b, 'b'))).toEqual([...refVarint(200n), ...b]);
  });

  test.each([0, 1, 127, 128, 16383, 16384, 70000])('finishLen after %d bytes of content', (len) => {
    const content = Array.from({ length: len }, (_, i) => (i * 7) & 0xff);
    const out = written((w) => {
      w.byte(0x0a);
      const at = w.reserveLen();
      for (const b of content) w.byte(b);
      w.finishLen(at);
      w.byte(0x10);
    });
    expect(out).toEqual([0x0a, ...refVarint(BigInt(len)), ...content, 0x10]);
  });

  test('a double written right after the buffer grew lands in the new buffer', () => {
    const out = written((w) => {
      for (let i = 0; i < 3; i++) w.byte(i);
      w.double(1.5, 'd');
      w.double(-2.25, 'd');
    });
    const expected = Buffer.alloc(19);
    expected.set([0, 1, 2]);
    expected.writeDoubleLE(1.5, 3);
    expected.writeDoubleLE(-2.25, 11);
    expect(out).toEqual([...expected]);
  });

  test('growing keeps the bytes from keepFrom on at their offsets', () => {
    const w = new WireWriter(4);
    w.byte(1);
    w.byte(2);
    w.keepFrom = 1;
    for (let i = 3; i <= 40; i++) w.byte(i);
    expect([...w.buf.subarray(1, w.pos)]).toEqual(Array.from({ length: 39 }, (_, i) => i + 2));
    w.bool(true, 'b');
    w.bool(false, 'b');
    expect([...w.buf.subarray(w.pos - 2, w.pos)]).toEqual([1, 0]);
  });
});

describe('WireWriter refuses values of the wrong type or range, saying which', () => {
  const refusal = (write: (w: WireWriter) => void): string => {
    try {
      write(new WireWriter(16));
    } catch (err) {
      expect(err).toBeInstanceOf(EncodeError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };
  const loose = (w: WireWriter) => w as unknown as Record<string, (v: unknown, what: string) => void>;

  test.each([
    ['point.time must be a bigint (int64), got number: write e.g. 10n or BigInt(x)', (w: WireWriter) => loose(w).int64(10, 'point.time')],
    [`f = ${2n ** 63n} is outside the int64 range`, (w: WireWriter) => w.int64(2n ** 63n, 'f')],
    [`f = ${-(2n ** 63n) - 1n} is outside the int64 range`, (w: WireWriter) => w.int64(-(2n ** 63n) - 1n, 'f')],
    ['e must be an int32 number, got string 3', (w: WireWriter) => loose(w).int32('3', 'e')],
    ['e must be an int32 number, got number 1.5', (w: WireWriter) => w.int32(1.5, 'e')],
    [`e must be an int32 number, got number ${2 ** 31}`, (w: WireWriter) => w.int32(2 ** 31, 'e')],
    [`e must be an int32 number, got number ${-(2 ** 31) - 1}`, (w: WireWriter) => w.int32(-(2 ** 31) - 1, 'e')],
    ['b must be a boolean, got number', (w: WireWriter) => loose(w).bool(1, 'b')],
    ['d must be a number (double), got bigint', (w: WireWriter) => loose(w).double(1n, 'd')],
    ['d must be a number (double), got null', (w: WireWriter) => loose(w).double(null, 'd')],
    ['s must be a string, got array', (w: WireWriter) => loose(w).string(['a'], 's')],
    ['x must be a Buffer or Uint8Array, got string', (w: WireWriter) => loose(w).bytes('ab', 'x')],
  ])('%s', (message, write) => {
    expect(refusal(write)).toBe(message);
  });
});
