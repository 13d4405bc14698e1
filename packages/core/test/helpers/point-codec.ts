import { kapacitorPoint } from '@kapacitor-udf/testing';
import { decodeRequest, encodeRequest } from '../../src/codec';
import type { Point } from '../../src/generated/udf';
import { forgetCaches } from '../../src/hot-path';

export { forgetCaches };

/** A cpu point of series host=server01 (two double fields), with `over` applied: the kit's Kapacitor-shaped point. */
export function seriesPoint(over: Partial<Point> = {}): Point {
  return kapacitorPoint({
    group: 'cpu\nhost=server01',
    dimensions: ['host'],
    tags: { cpu: 'cpu-total', host: 'server01', region: 'us-west' },
    fieldsDouble: { usage_idle: 90.5, usage_user: 3.25 },
    ...over,
  });
}

/** A Request{point} body. */
export const encodePoint = (p: Point): Uint8Array => encodeRequest({ message: { $case: 'point', value: p } });

/** The Point of a Request{point} body. */
export function decodePoint(bytes: Uint8Array): Point {
  const m = decodeRequest(bytes).message;
  if (m?.$case !== 'point') throw new Error(`expected a point, got ${m?.$case}`);
  return m.value;
}

/** f() run with empty caches, which are left empty: the reference results the shortcuts must match. */
export function fromScratch<T>(f: () => T): T {
  forgetCaches();
  const result = f();
  forgetCaches();
  return result;
}

/**
 * Decodes and encodes a stream of Request{point} bodies in order, with
 * whatever the caches keep between points, and expects every point and
 * every byte to be what empty caches give. After each point it also encodes
 * the next point of the stream (a point of another series going out right
 * after this one was read).
 */
export function expectSameAsFromScratch(frames: readonly Uint8Array[]): void {
  forgetCaches();
  const expectedPoints = frames.map((f) => fromScratch(() => decodePoint(f)));
  const expectedBytes = expectedPoints.map((p) => fromScratch(() => encodePoint(p)));
  for (let i = 0; i < frames.length; i++) {
    const p = decodePoint(frames[i]);
    expect(p).toEqual(expectedPoints[i]);
    expect(encodePoint(p)).toEqual(expectedBytes[i]);
    const next = (i + 1) % frames.length;
    expect(encodePoint(expectedPoints[next])).toEqual(expectedBytes[next]);
  }
}
