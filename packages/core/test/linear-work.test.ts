import fc from 'fast-check';
import { decodeRequest, encodeRequest, encodeResponse } from '../src/codec';
import { Request as GenRequest } from '../src/generated/udf';
import { forgetCaches } from '../src/hot-path';
import * as mapKeys from '../src/map-keys';

// No message may cost more than about n log n key comparisons for its n map
// entries, whatever their order: one point of 60k double fields in
// descending order once took an insertion sort 46 s, blocking every
// connection of the thread. Work is counted, not timed, so the bound holds
// on a loaded machine: every key comparison of the codec goes through
// map-keys' compareUtf8 (called through the module's exports from the
// decoders, encoders and field-key memo, so a counter put there sees each
// call), and
// sortedKeys() sorts with Array.prototype.sort (O(n log n) comparisons).

jest.setTimeout(120_000);

type MapField = 'tags' | 'fieldsDouble' | 'fieldsInt' | 'fieldsString' | 'fieldsBool';
const FIELD_NUMBER: Record<MapField, number> = { tags: 7, fieldsDouble: 8, fieldsInt: 9, fieldsString: 10, fieldsBool: 12 };
type Order = 'ascending' | 'descending' | 'random' | 'organ-pipe' | 'one key repeated' | 'two keys alternating';
type KeyShape = 'short' | 'long common prefix' | 'non-ASCII' | 'integer-like';

function varint(n: number, out: number[]): void {
  let x = n;
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
}

function lengthDelimited(field: number, bytes: ArrayLike<number>, out: number[]): void {
  varint((field << 3) | 2, out);
  varint(bytes.length, out);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

function keyOf(i: number, shape: KeyShape): string {
  const digits = String(i).padStart(6, '0');
  switch (shape) {
    case 'short':
      return `k${digits}`;
    case 'long common prefix':
      return `${'measurement_field_'.repeat(4)}${digits}`;
    case 'non-ASCII':
      return `ключ-${digits}-\u{1F600}`;
    case 'integer-like':
      return String(i);
  }
}

/** Entry indexes in wire order. */
function ordered(n: number, order: Order, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  switch (order) {
    case 'ascending':
      return idx;
    case 'descending':
      return idx.reverse();
    case 'random': {
      let s = seed | 0 || 1;
      for (let i = n - 1; i > 0; i--) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const j = (s >>> 0) % (i + 1);
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      return idx;
    }
    case 'organ-pipe':
      return [...idx.filter((i) => i % 2 === 0), ...idx.filter((i) => i % 2 === 1).reverse()];
    case 'one key repeated':
      return idx.map(() => 0);
    case 'two keys alternating':
      return idx.map((i) => (i % 2 === 0 ? 1 : 0));
  }
}

/** A Request{point} body with n entries in one map, in the given order (each entry with key and value, as Go writes it). */
function pointRequest(field: MapField, n: number, order: Order, shape: KeyShape, seed: number): Uint8Array {
  const body: number[] = [0x08, 0x01]; // time = 1
  lengthDelimited(2, Buffer.from('cpu'), body);
  const value = Buffer.alloc(8);
  // Values are the entry's position on the wire: of duplicate keys, the last one's must win.
  let position = 0;
  for (const i of ordered(n, order, seed)) {
    position++;
    const entry: number[] = [];
    lengthDelimited(1, Buffer.from(keyOf(i, shape), 'utf8'), entry);
    if (field === 'fieldsDouble') {
      entry.push(0x11);
      value.writeDoubleLE(position);
      for (const b of value) entry.push(b);
    } else if (field === 'fieldsInt' || field === 'fieldsBool') {
      entry.push(0x10);
      varint(field === 'fieldsBool' ? position & 1 : position, entry);
    } else {
      lengthDelimited(2, Buffer.from(`v${position}`), entry);
    }
    lengthDelimited(FIELD_NUMBER[field], entry, body);
  }
  const request: number[] = [];
  lengthDelimited(17, body, request);
  return Uint8Array.from(request);
}

/** A BeginBatch or EndBatch request with n tags in the given order. */
function batchRequest(kind: 'begin' | 'end', n: number, order: Order, shape: KeyShape, seed: number): Uint8Array {
  const body: number[] = [];
  lengthDelimited(1, Buffer.from('cpu'), body);
  for (const i of ordered(n, order, seed)) {
    const entry: number[] = [];
    lengthDelimited(1, Buffer.from(keyOf(i, shape), 'utf8'), entry);
    lengthDelimited(2, Buffer.from(`v${i}`), entry);
    lengthDelimited(kind === 'begin' ? 3 : 4, entry, body);
  }
  const request: number[] = [];
  lengthDelimited(kind === 'begin' ? 16 : 18, body, request);
  return Uint8Array.from(request);
}

class TooMuchWork extends Error {}

/**
 * Decodes `bytes` and encodes the result both ways (as a response and as a
 * request), counting key comparisons; throws TooMuchWork as soon as they
 * pass `limit` (a quadratic case fails at once, instead of running for
 * minutes). The counter replaces map-keys' export for the call only.
 */
function comparisonsToDecodeAndEncode(bytes: Uint8Array, limit = Number.POSITIVE_INFINITY): number {
  const exports = mapKeys as unknown as { compareUtf8: (a: string, b: string) => number };
  const original = exports.compareUtf8;
  let count = 0;
  exports.compareUtf8 = (a, b) => {
    if (++count > limit) throw new TooMuchWork(`more than ${limit} key comparisons`);
    return original(a, b);
  };
  try {
    const request = decodeRequest(bytes);
    encodeResponse(request as Parameters<typeof encodeResponse>[0]);
    encodeRequest(request);
    // Twice: the second time with the caches the first one filled.
    encodeResponse(decodeRequest(bytes) as Parameters<typeof encodeResponse>[0]);
    return count;
  } finally {
    exports.compareUtf8 = original;
  }
}

/** About n log n: what a comparison sort may take, with room for the codec's few checks per entry. */
function bound(n: number): number {
  return 8 * n * Math.ceil(Math.log2(n + 2)) + 64;
}

const orders: Order[] = ['ascending', 'descending', 'random', 'organ-pipe', 'one key repeated', 'two keys alternating'];
const shapes: KeyShape[] = ['short', 'long common prefix', 'non-ASCII', 'integer-like'];

beforeEach(forgetCaches);

test('the counter sees the codec’s comparisons (else the bounds below would hold vacuously)', () => {
  expect(comparisonsToDecodeAndEncode(pointRequest('fieldsDouble', 20, 'descending', 'short', 1))).toBeGreaterThan(0);
  expect(comparisonsToDecodeAndEncode(pointRequest('fieldsInt', 20, 'descending', 'short', 1))).toBeGreaterThan(0);
});

test('property: any map of a point, any entry order and key shape: about n log n comparisons', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<MapField>('tags', 'fieldsDouble', 'fieldsInt', 'fieldsString', 'fieldsBool'),
      fc.integer({ min: 0, max: 3000 }),
      fc.constantFrom(...orders),
      fc.constantFrom(...shapes),
      fc.integer(),
      (field, n, order, shape, seed) => {
        forgetCaches();
        expect(comparisonsToDecodeAndEncode(pointRequest(field, n, order, shape, seed), bound(n))).toBeLessThanOrEqual(bound(n));
      },
    ),
    { numRuns: 60 },
  );
});

test('property: BeginBatch and EndBatch tags, any order: about n log n comparisons', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<'begin' | 'end'>('begin', 'end'),
      fc.integer({ min: 0, max: 3000 }),
      fc.constantFrom(...orders),
      fc.constantFrom(...shapes),
      fc.integer(),
      (kind, n, order, shape, seed) => {
        expect(comparisonsToDecodeAndEncode(batchRequest(kind, n, order, shape, seed), bound(n))).toBeLessThanOrEqual(bound(n));
      },
    ),
    { numRuns: 30 },
  );
});

test.each(['fieldsDouble', 'tags', 'fieldsInt'] as const)(
  'a point of 60,000 %s in descending order: about n log n comparisons',
  (field) => {
    const n = 60_000;
    expect(comparisonsToDecodeAndEncode(pointRequest(field, n, 'descending', 'short', 1), bound(n))).toBeLessThanOrEqual(bound(n));
  },
);

test.each(orders)(
  'more double fields than the insertion sort takes (%s) decode as ts-proto reads them, in Go order, the last duplicate winning',
  (order) => {
    for (const n of [33, 100, 1000]) {
      for (const shape of shapes) {
        const bytes = pointRequest('fieldsDouble', n, order, shape, n);
        const ours = decodeRequest(bytes).message;
        const reference = GenRequest.decode(bytes).message;
        if (ours?.$case !== 'point' || reference?.$case !== 'point') throw new Error('expected points');
        expect(ours.value.fieldsDouble).toEqual(reference.value.fieldsDouble);
        const keys = Object.keys(ours.value.fieldsDouble);
        // Integer-like keys are listed by JavaScript in numeric order whatever the insertion order.
        if (shape !== 'integer-like') expect(keys).toEqual([...keys].sort(mapKeys.compareUtf8));
      }
    }
  },
);
