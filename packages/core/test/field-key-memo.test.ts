import fc from 'fast-check';
import type { Point } from '../src/generated/udf';
import { Request as GenRequest } from '../src/generated/udf';
import { decodePoint, encodePoint, expectSameAsFromScratch, forgetCaches, fromScratch } from './helpers/point-codec';

// The decoder recognises the double-field key at each position by its bytes
// (remembered from the last point), and the encoder copies the remembered
// bytes of a key it recognises. Both must give exactly what decoding and
// encoding from scratch give, whatever keys come and go.

jest.setTimeout(120_000);

function point(fieldsDouble: { [key: string]: number }, time = 1n): Point {
  return {
    time,
    name: 'cpu',
    database: 'db',
    retentionPolicy: 'rp',
    group: 'cpu\n',
    dimensions: [],
    tags: { host: 'a' },
    fieldsDouble,
    fieldsInt: {},
    fieldsString: {},
    byName: false,
    fieldsBool: {},
  };
}

describe('double-field key memo', () => {
  beforeEach(forgetCaches);

  test('keys that change, move, or are new at a position decode and encode exactly', () => {
    const maps: { [key: string]: number }[] = [
      { usage_idle: 1.5, usage_user: 2.5 },
      { usage_idle: 3.5, usage_user: 4.5 },
      { usage_idlf: 1 }, // same length, last byte differs
      { usage_user: 5.5 }, // usage_user moves to position 0
      { a: 1, usage_idle: 2, usage_user: 3 }, // everything shifts
      { usage_idl: 1, usage_idle: 2 }, // a prefix of a remembered key
      { é: 1, 日本: 2 }, // non-ASCII: never remembered
      { ['k'.repeat(80)]: 1 }, // too long to remember
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${String(i).padStart(2, '0')}`, i])), // more positions than remembered
      { usage_idle: 1.5, usage_user: 2.5 },
    ];
    const frames = maps.map((fields) => encodePoint(point(fields)));
    const expected = frames.map((bytes) => fromScratch(() => encodePoint(decodePoint(bytes))));
    // No forgetting from here on: each point is read with what the previous ones left behind.
    for (let round = 0; round < 2; round++) {
      maps.forEach((fields, i) => {
        const p = decodePoint(frames[i]);
        expect(p.fieldsDouble).toEqual(fields);
        expect(Object.keys(p.fieldsDouble)).toEqual(Object.keys(fields).sort());
        const m = GenRequest.decode(frames[i]).message;
        expect(m?.$case === 'point' && m.value.fieldsDouble).toEqual(fields);
        expect(encodePoint(p)).toEqual(frames[i]);
        expect(encodePoint(p)).toEqual(expected[i]);
      });
    }
  });

  test('a key that is not valid UTF-8 is refused every time (never remembered, never turned into U+FFFD)', () => {
    // Request{point{fieldsDouble{"\xff": 1.0}}}, built by hand: encoders never write such a key.
    const entry = [0x0a, 1, 0xff, 0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
    const pointBody = [0x42, entry.length, ...entry];
    const bytes = Uint8Array.from([0x8a, 0x01, pointBody.length, ...pointBody]);
    for (let i = 0; i < 3; i++) {
      expect(() => decodePoint(bytes)).toThrow(/invalid UTF-8 in a string \(byte 0xff\)/);
    }
  });

  test('a remembered key written at another position, or out of order, is still encoded in Go order', () => {
    decodePoint(encodePoint(point({ a: 1, b: 2, c: 3 })));
    const unordered: { [key: string]: number } = {};
    unordered.c = 3;
    unordered.a = 1;
    unordered.b = 2;
    // Go order is the order of a map whose keys were inserted sorted.
    const expected = fromScratch(() => encodePoint(point({ a: 1, b: 2, c: 3 })));
    decodePoint(encodePoint(point({ a: 1, b: 2, c: 3 })));
    expect(encodePoint(point(unordered))).toEqual(expected);
    expect(Object.keys(decodePoint(encodePoint(point(unordered))).fieldsDouble)).toEqual(['a', 'b', 'c']);
    const shifted = fromScratch(() => encodePoint(point({ b: 2, c: 3 })));
    decodePoint(encodePoint(point({ a: 1, b: 2, c: 3 })));
    expect(encodePoint(point({ b: 2, c: 3 }))).toEqual(shifted);
  });

  test("keys that arrive out of order (Kapacitor's map order is random) are stored and written in Go order", () => {
    // fieldsDouble entries "b" then "a", built by hand.
    const entry = (k: number, v: number) => [0x42, 12, 0x0a, 1, k, 0x11, 0, 0, 0, 0, 0, 0, v, 0x3f];
    const pointBody = [...entry(0x62, 0x00), ...entry(0x61, 0xf0)];
    const bytes = Uint8Array.from([0x8a, 0x01, pointBody.length, ...pointBody]);
    const decoded = fromScratch(() => decodePoint(bytes));
    // The same point with its keys inserted in Go order.
    const sorted = { ...decoded, fieldsDouble: { a: decoded.fieldsDouble.a, b: decoded.fieldsDouble.b } };
    const expected = fromScratch(() => encodePoint(sorted));
    expect(expected).not.toEqual(bytes);
    for (let i = 0; i < 3; i++) {
      const p = decodePoint(bytes);
      expect(Object.keys(p.fieldsDouble)).toEqual(['a', 'b']);
      expect(encodePoint(p)).toEqual(expected);
    }
  });

  test('property: streams of points with double fields from a small key set match from-scratch results', () => {
    const key = fc.constantFrom('usage_idle', 'usage_idlf', 'usage_user', 'usage_system', 'a', 'é', '', 'x'.repeat(70), '10', '__proto__');
    const fields = fc.dictionary(key, fc.double(), { maxKeys: 6 }) as fc.Arbitrary<{ [key: string]: number }>;
    fc.assert(
      fc.property(fc.array(fields, { minLength: 1, maxLength: 20 }), (stream) => {
        expectSameAsFromScratch(stream.map((f, i) => encodePoint(point(f, BigInt(i)))));
      }),
      { numRuns: 300 },
    );
  });
});
