import { decodeRequest, encodeRequest } from '../src/codec';
import { forgetDoubleKeys } from '../src/field-key-memo';
import type { Point } from '../src/generated/udf';
import { forgetHeads } from '../src/series-cache';

/** A Request{point} body. */
export const encodePoint = (p: Point): Uint8Array => encodeRequest({ message: { $case: 'point', value: p } });

/** The Point of a Request{point} body. */
export function decodePoint(bytes: Uint8Array): Point {
  const m = decodeRequest(bytes).message;
  if (m?.$case !== 'point') throw new Error(`expected a point, got ${m?.$case}`);
  return m.value;
}

/** Empties the decoder's caches (series heads, double-field keys). */
export function forgetCaches(): void {
  forgetHeads();
  forgetDoubleKeys();
}

/** f() run with empty caches, which are left empty: the reference results the shortcuts must match. */
export function fromScratch<T>(f: () => T): T {
  forgetCaches();
  const result = f();
  forgetCaches();
  return result;
}
