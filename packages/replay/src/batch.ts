import type { BeginBatch, EndBatch, Point } from '@kapacitor-udf/core';

/** One batch as Kapacitor sends it to a UDF: BeginBatch, its points, EndBatch. */
export interface Batch {
  begin: BeginBatch;
  points: Point[];
  end: EndBatch;
}
