// packages/decorators/README.md: "UdfContext" (the interface as documented
// must be the one the package exports).
import type { Batch, BeginBatch, EndBatch, Point, UdfContext as Exported } from '@kapacitor-udf/decorators';
import type { Logger } from '@kapacitor-udf/core';

interface UdfContext {
  readonly taskID: string;   // set at Init
  readonly nodeID: string;   // set at Init
  readonly log: Logger;      // JSON lines on stderr; Kapacitor logs them
  emit(points: Point | readonly Point[]): void;
  emitBatch(batch: Batch): void;   // { begin, points, end }; begin.size = points.length
  beginBatch(begin: BeginBatch): void;
  endBatch(end: EndBatch): void;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const documentedIsExported: Same<UdfContext, Exported> = true;
