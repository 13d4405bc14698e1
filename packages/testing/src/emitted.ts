import type { Point, Response } from '@kapacitor-udf/core';
import type { Batch } from '@kapacitor-udf/decorators';
import { HarnessError } from './errors';

/** A data message the UDF sent: a point, a BeginBatch or an EndBatch. */
export type Emitted = Extract<NonNullable<Response['message']>, { $case: 'point' | 'begin' | 'end' }>;

/** The points among emitted messages (lone or inside batches), in order. */
export function pointsOf(emitted: readonly Emitted[]): Point[] {
  const points: Point[] = [];
  for (const m of emitted) if (m.$case === 'point') points.push(m.value);
  return points;
}

/**
 * Emitted messages grouped into whole batches. Throws when they are not a
 * sequence of complete BeginBatch, points, EndBatch groups (a lone point, an
 * unfinished batch): Kapacitor would not accept such batch output either.
 */
export function batchesOf(emitted: readonly Emitted[]): Batch[] {
  const batches: Batch[] = [];
  let open: { begin: Batch['begin']; points: Point[] } | undefined;
  for (const m of emitted) {
    switch (m.$case) {
      case 'begin':
        if (open)
          throw new HarnessError('ERR_PROTOCOL_VIOLATION', 'BeginBatch while a batch was open: each batch needs its EndBatch first');
        open = { begin: m.value, points: [] };
        break;
      case 'point':
        if (!open)
          throw new HarnessError('ERR_PROTOCOL_VIOLATION', 'a point outside any batch: batch output must be BeginBatch, points, EndBatch');
        open.points.push(m.value);
        break;
      case 'end':
        if (!open) throw new HarnessError('ERR_PROTOCOL_VIOLATION', 'EndBatch without BeginBatch');
        batches.push({ begin: open.begin, points: open.points, end: m.value });
        open = undefined;
        break;
    }
  }
  if (open) throw new HarnessError('ERR_PROTOCOL_VIOLATION', 'the last batch has no EndBatch yet');
  return batches;
}
