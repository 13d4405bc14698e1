import type { BeginBatch, EndBatch, Option, OptionValue, Point, Request, Response } from '@kapacitor-udf/core';
import fc from 'fast-check';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Any Unicode text (valid code points: what UTF-8 can carry). */
export const text = fc.string({ unit: 'binary', maxLength: 24 });
/** Map keys, including the names that break naive object handling. */
export const key = fc.oneof(
  { weight: 8, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '') },
);
export const int64 = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 2n ** 53n + 1n),
);
/** Every double, NaN, the infinities and -0 included. */
export const double = fc.double();

/** An object map whose keys may be '__proto__': built with defineProperty, never through the prototype setter. */
function map<T>(value: fc.Arbitrary<T>, maxKeys = 4): fc.Arbitrary<Record<string, T>> {
  return fc.array(fc.tuple(key, value), { maxLength: maxKeys }).map((entries) => {
    const out: Record<string, T> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

export const point: fc.Arbitrary<Point> = fc.record({
  time: int64,
  name: text,
  database: text,
  retentionPolicy: text,
  group: text,
  dimensions: fc.array(text, { maxLength: 3 }),
  tags: map(text),
  fieldsDouble: map(double),
  fieldsInt: map(int64),
  fieldsString: map(text),
  byName: fc.boolean(),
  fieldsBool: map(fc.boolean()),
});

export const beginBatch: fc.Arbitrary<BeginBatch> = fc.record({
  name: text,
  group: text,
  tags: map(text),
  size: int64,
  byName: fc.boolean(),
});

export const endBatch: fc.Arbitrary<EndBatch> = fc.record({
  name: text,
  group: text,
  tmax: int64,
  tags: map(text),
  byName: fc.boolean(),
});

const valueType = fc.integer({ min: 0, max: 4 });

export const optionValue: fc.Arbitrary<OptionValue> = fc.record({
  type: valueType,
  value: fc.oneof(
    fc.constant(undefined),
    fc.record({ $case: fc.constant('boolValue' as const), value: fc.boolean() }),
    fc.record({ $case: fc.constant('intValue' as const), value: int64 }),
    fc.record({ $case: fc.constant('doubleValue' as const), value: double }),
    fc.record({ $case: fc.constant('stringValue' as const), value: text }),
    fc.record({ $case: fc.constant('durationValue' as const), value: int64 }),
  ),
});

export const option: fc.Arbitrary<Option> = fc.record({ name: text, values: fc.array(optionValue, { maxLength: 3 }) });

const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));

export const request: fc.Arbitrary<Request> = fc
  .oneof(
    fc.record({ $case: fc.constant('info' as const), value: fc.constant({}) }),
    fc.record({
      $case: fc.constant('init' as const),
      value: fc.record({ options: fc.array(option, { maxLength: 3 }), taskID: text, nodeID: text }),
    }),
    fc.record({ $case: fc.constant('keepalive' as const), value: fc.record({ time: int64 }) }),
    fc.record({ $case: fc.constant('snapshot' as const), value: fc.constant({}) }),
    fc.record({ $case: fc.constant('restore' as const), value: fc.record({ snapshot: bytes }) }),
    fc.record({ $case: fc.constant('begin' as const), value: beginBatch }),
    fc.record({ $case: fc.constant('point' as const), value: point }),
    fc.record({ $case: fc.constant('end' as const), value: endBatch }),
  )
  .map((message) => ({ message }) as Request);

export const response: fc.Arbitrary<Response> = fc
  .oneof(
    fc.record({
      $case: fc.constant('info' as const),
      value: fc.record({
        wants: fc.integer({ min: 0, max: 1 }),
        provides: fc.integer({ min: 0, max: 1 }),
        options: map(fc.record({ valueTypes: fc.array(valueType, { maxLength: 4 }) })),
      }),
    }),
    fc.record({ $case: fc.constant('init' as const), value: fc.record({ success: fc.boolean(), error: text }) }),
    fc.record({ $case: fc.constant('keepalive' as const), value: fc.record({ time: int64 }) }),
    fc.record({ $case: fc.constant('snapshot' as const), value: fc.record({ snapshot: bytes }) }),
    fc.record({ $case: fc.constant('restore' as const), value: fc.record({ success: fc.boolean(), error: text }) }),
    fc.record({ $case: fc.constant('error' as const), value: fc.record({ error: text }) }),
    fc.record({ $case: fc.constant('begin' as const), value: beginBatch }),
    fc.record({ $case: fc.constant('point' as const), value: point }),
    fc.record({ $case: fc.constant('end' as const), value: endBatch }),
  )
  .map((message) => ({ message }) as Response);

/** Cut points splitting `length` bytes into chunks (sorted, unique, inside (0, length)). */
export function chunking(length: number): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: Math.min(length - 1, 40) })
    .map((cuts) => cuts.sort((a, b) => a - b));
}

export function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.subarray(start, c));
    start = c;
  }
  return out;
}
