import type { BeginBatch, EndBatch, Point } from '@kapacitor-udf/core';

/**
 * A whole batch: what `@OnBatch` receives and may return, and what
 * `ctx.emitBatch` sends (as BeginBatch with `size` = points.length, the
 * points, EndBatch).
 */
export interface Batch {
  begin: BeginBatch;
  points: Point[];
  end: EndBatch;
}

/** True for a `{ begin, points, end }` object (as opposed to a single point). */
export function isBatch(value: unknown): value is Batch {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Batch).points) &&
    typeof (value as Batch).begin === 'object' &&
    typeof (value as Batch).end === 'object'
  );
}
