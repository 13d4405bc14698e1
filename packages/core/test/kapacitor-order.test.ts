import fc from 'fast-check';
import type { Point } from '../src/generated/udf';
import { Request as GenRequest } from '../src/generated/udf';
import { kapacitorPointRequest, shuffler } from './helpers/kapacitor-order';
import { decodePoint, encodePoint, expectSameAsFromScratch, forgetCaches, fromScratch, seriesPoint as point } from './helpers/point-codec';

// The decoder's shortcuts (series head cache, double-field key memo) fed the
// frames Kapacitor really sends: plain proto.Marshal, so the entries of tags
// and of every field map come in a random order, even within one series.
// Decoding must give what ts-proto and an empty cache give, and encoding the
// decoded point what an empty cache gives (map entries in Go order).

jest.setTimeout(120_000);

const sortedOrder = (keys: string[]): string[] => keys.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Every order of a list. */
function permutations(xs: string[]): string[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

function generated(bytes: Uint8Array): Point | undefined {
  const m = GenRequest.decode(bytes).message;
  return m?.$case === 'point' ? m.value : undefined;
}

describe("decoding shortcuts with Kapacitor's map order", () => {
  beforeEach(forgetCaches);

  test("the test encoder writes what our encoder writes when the order is sorted (its layout is Go's)", () => {
    const p = point({ fieldsInt: { n: -5n, m: 7n }, fieldsString: { s: 'x' }, fieldsBool: { t: true, f: false }, byName: true });
    expect(Buffer.from(kapacitorPointRequest(p, sortedOrder))).toEqual(Buffer.from(fromScratch(() => encodePoint(p))));
  });

  test('one series in every tag and field order: each decodes exactly, to tags and fields in Go order, and encodes to one canonical frame', () => {
    const base = point({ fieldsDouble: { usage_idle: 1.5, usage_system: 0.25, usage_user: 2.5 } });
    const canonical = fromScratch(() => encodePoint(base));
    const other = point({ group: 'cpu\nhost=server02', tags: { cpu: 'cpu-total', host: 'server02', region: 'us-west' } });
    const tagOrders = permutations(Object.keys(base.tags));
    const fieldOrders = permutations(Object.keys(base.fieldsDouble));
    for (let round = 0; round < 2; round++) {
      for (const tagOrder of tagOrders) {
        for (const fieldOrder of fieldOrders) {
          const bytes = kapacitorPointRequest(base, (keys) =>
            keys.includes('host') ? tagOrder : keys.includes('usage_idle') ? fieldOrder : keys,
          );
          const p = decodePoint(bytes);
          expect(p).toEqual(base);
          expect(p).toEqual(generated(bytes));
          expect(Object.keys(p.tags)).toEqual(['cpu', 'host', 'region']);
          expect(Object.keys(p.fieldsDouble)).toEqual(['usage_idle', 'usage_system', 'usage_user']);
          expect(Buffer.from(encodePoint(p))).toEqual(Buffer.from(canonical));
          // Another series in between, in a shuffled order of its own.
          const q = decodePoint(kapacitorPointRequest(other, shuffler(tagOrder.length * 7 + fieldOrder.length + round)));
          expect(q).toEqual(other);
        }
      }
    }
  });

  test("points from a changed decoded head are encoded from their values, not from the head's bytes", () => {
    const bytes = kapacitorPointRequest(point(), (keys) => keys.slice().reverse());
    decodePoint(bytes);
    const p = decodePoint(bytes);
    p.tags.host = 'changed';
    const expected = fromScratch(() => encodePoint({ ...point(), tags: { cpu: 'cpu-total', host: 'changed', region: 'us-west' } }));
    expect(Buffer.from(encodePoint(p))).toEqual(Buffer.from(expected));
  });

  test('a key repeated in one map: the last entry wins, as protobuf says, whatever the order', () => {
    // Two fieldsDouble entries with the key "a", then "b" (built from two maps).
    const first = kapacitorPointRequest(point({ fieldsDouble: { b: 2, a: 1 } }), (k) => k);
    const extra = kapacitorPointRequest(
      point({ time: 0n, name: '', database: '', retentionPolicy: '', group: '', dimensions: [], tags: {}, fieldsDouble: { a: 3 } }),
      (k) => k,
    );
    // Concatenated Point bodies merge: append the second point's fields to the first.
    const body = Buffer.concat([pointBody(first), pointBody(extra)]);
    const bytes = Uint8Array.from([0x8a, 0x01, ...varint(body.length), ...body]);
    for (let i = 0; i < 3; i++) {
      const p = decodePoint(bytes);
      expect(p.fieldsDouble).toEqual({ a: 3, b: 2 });
      expect(p).toEqual(generated(bytes));
    }
  });

  test('property: streams from a few series, every frame in a random map order, match ts-proto and empty caches', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', 'host', 'cpu', 'é', '__proto__', '10', 'usage_user', 'usage_idle'),
    );
    const seriesArb = fc.record({
      name: text,
      database: text,
      retentionPolicy: text,
      group: fc.string({ maxLength: 40 }),
      dimensions: fc.array(text, { maxLength: 3 }),
      tags: fc.dictionary(text, text, { maxKeys: 5 }),
      fieldsDouble: fc.dictionary(text, fc.double(), { maxKeys: 5 }),
      fieldsInt: fc.dictionary(text, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxKeys: 2 }),
      fieldsString: fc.dictionary(text, text, { maxKeys: 2 }),
      fieldsBool: fc.dictionary(text, fc.boolean(), { maxKeys: 2 }),
    });
    const streamArb = fc.tuple(
      fc.array(seriesArb, { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 0x7fffffff })), { minLength: 1, maxLength: 30 }),
    );
    fc.assert(
      fc.property(streamArb, ([series, picks]) => {
        const frames = picks.map(([which, seed], i) => {
          const s = series[which % series.length];
          const p: Point = { time: BigInt(i) * 1_000_000_007n, byName: false, ...s };
          return kapacitorPointRequest(p, shuffler(seed));
        });
        // ts-proto stores a "__proto__" key as the prototype: compare with it only without one.
        const protoKey = series.some((s) =>
          [s.tags, s.fieldsDouble, s.fieldsInt, s.fieldsString, s.fieldsBool].some((m) => Object.hasOwn(m, '__proto__')),
        );
        for (const f of protoKey ? [] : frames) {
          forgetCaches();
          expect(decodePoint(f)).toEqual(generated(f));
        }
        expectSameAsFromScratch(frames);
      }),
      { numRuns: 300 },
    );
  });
});

/** The Point body inside a Request{point} body (after its tag and length). */
function pointBody(request: Uint8Array): Buffer {
  let i = 2;
  while (request[i] >= 0x80) i++;
  return Buffer.from(request.subarray(i + 1));
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
