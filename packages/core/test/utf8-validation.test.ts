import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { firstInvalidUtf8 } from '../src/wire-reader';

describe('firstInvalidUtf8', () => {
  test('agrees with node:buffer isUtf8 on arbitrary bytes (and on valid strings)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
        ),
        (bytes) => {
          const buf = Buffer.concat([Buffer.from('ab'), bytes, Buffer.from('cd')]);
          const bad = firstInvalidUtf8(buf, 2, buf.length - 2);
          expect(bad === -1).toBe(isUtf8(bytes));
          if (bad !== -1) {
            expect(bad).toBeGreaterThanOrEqual(2);
            expect(isUtf8(buf.subarray(2, bad))).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('agrees with isUtf8 at every boundary of the encoding, with a continuation byte waiting past the end', () => {
    const cases: number[][] = [
      [0xc2, 0x80], // U+0080, the smallest 2-byte one
      [0xc1, 0xbf], // overlong
      [0xdf, 0xbf], // U+07FF, the largest 2-byte one
      [0xe0, 0xa0, 0x80], // U+0800
      [0xe0, 0x9f, 0xbf], // overlong
      [0xed, 0x9f, 0xbf], // U+D7FF, just below the surrogates
      [0xed, 0xa0, 0x80], // U+D800
      [0xed, 0xbf, 0xbf], // U+DFFF
      [0xee, 0x80, 0x80], // U+E000, just above them
      [0xef, 0xbf, 0xbd], // U+FFFD itself
      [0xf0, 0x90, 0x80, 0x80], // U+10000
      [0xf0, 0x8f, 0xbf, 0xbf], // overlong
      [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
      [0xf4, 0x90, 0x80, 0x80], // beyond it
      [0xf5, 0x80, 0x80, 0x80],
      [0xf8, 0x90, 0x80, 0x80],
      [0xff, 0x80],
      [0xc2], // cut by the end of the string: the next byte is not its own
      [0xe2, 0x82],
      [0xf0, 0x90, 0x80],
      [0xc2, 0x41],
    ];
    for (const bytes of cases) {
      const buf = Uint8Array.from([0x61, ...bytes, 0x80, 0x80, 0x80]);
      const bad = firstInvalidUtf8(buf, 1, 1 + bytes.length);
      expect({ bytes, valid: bad === -1 }).toEqual({ bytes, valid: isUtf8(Uint8Array.from(bytes)) });
      if (bad !== -1) expect(bad).toBe(1);
    }
  });

  test.each([
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut by the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a lone continuation byte', [0x61, 0x80], 1],
  ])('%s is found at its first byte', (_what, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes), 0, bytes.length)).toBe(at);
  });
});
