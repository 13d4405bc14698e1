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
