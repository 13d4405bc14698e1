/**
 * The `UdfContext` every handler receives as its last argument: who the UDF
 * runs for, a logger, and the way to emit data at any time (from handlers,
 * timers, or at stop).
 */
import { BatchOrderError, type BeginBatch, type Emitter, type EndBatch, type Logger, type Point } from '@kapacitor-udf/core';
import { type Batch, isBatch } from './batch';
import type { EdgeName } from './definition';
import { UdfRuntimeError } from './errors';

export interface UdfContext {
  /** The Kapacitor task using this UDF (set at Init; '' before). */
  readonly taskID: string;
  /** The node's name in the task (set at Init; '' before). */
  readonly nodeID: string;
  readonly log: Logger;
  /** Sends points. A UDF that provides 'batch' may only do so between beginBatch and endBatch. */
  emit(points: Point | readonly Point[]): void;
  /** Sends a whole batch: BeginBatch (its `size` set to points.length), the points, EndBatch. */
  emitBatch(batch: Batch): void;
  /** Opens an output batch (UDFs that provide 'batch'). */
  beginBatch(begin: BeginBatch): void;
  /** Closes the open output batch. */
  endBatch(end: EndBatch): void;
}

/** The implementation bound to one connection's emitter. Handler results are emitted through it too. */
export class HandlerContext implements UdfContext {
  taskID = '';
  nodeID = '';
  constructor(
    private readonly emitter: Emitter,
    private readonly provides: EdgeName,
    readonly log: Logger,
    private readonly udfName: string,
  ) {}

  emit(points: Point | readonly Point[]): void {
    if (this.provides === 'batch' && !this.emitter.batchOpen) {
      throw new UdfRuntimeError(
        'ERR_POINT_OUTSIDE_BATCH',
        `${this.udfName} provides 'batch' and emitted a point outside a batch; emit it between beginBatch and endBatch, or use emitBatch({ begin, points, end })`,
      );
    }
    if (Array.isArray(points)) {
      for (let i = 0; i < points.length; i++) this.emitPoint(points[i]);
    } else {
      this.emitPoint(points as Point);
    }
  }

  private emitPoint(point: Point): void {
    if (typeof point !== 'object' || point === null) {
      throw new UdfRuntimeError('ERR_INVALID_RESULT', `${this.udfName} emitted ${String(point)} where a point was expected`);
    }
    this.emitter.point(point);
  }

  emitBatch(batch: Batch): void {
    if (!isBatch(batch)) {
      throw new UdfRuntimeError('ERR_INVALID_RESULT', `${this.udfName}: emitBatch takes { begin, points, end }`);
    }
    this.beginBatch({ ...batch.begin, size: BigInt(batch.points.length) });
    this.emit(batch.points);
    this.endBatch(batch.end);
  }

  beginBatch(begin: BeginBatch): void {
    this.requireBatchOutput('beginBatch');
    if (this.emitter.batchOpen) {
      throw new BatchOrderError(`${this.udfName} began an output batch while another was open; call endBatch first`);
    }
    this.emitter.beginBatch(begin);
  }

  endBatch(end: EndBatch): void {
    this.requireBatchOutput('endBatch');
    if (!this.emitter.batchOpen) {
      throw new BatchOrderError(`${this.udfName} ended an output batch it never began; call beginBatch first`);
    }
    this.emitter.endBatch(end);
  }

  private requireBatchOutput(what: string): void {
    if (this.provides !== 'batch') {
      throw new UdfRuntimeError(
        'ERR_BATCH_ON_STREAM_OUTPUT',
        `${this.udfName} provides 'stream' and cannot ${what}; emit points with emit(), or set provides: 'batch'`,
      );
    }
  }

  // Emitting handler results (bound arrow functions: passed directly to promise.then).

  /** @OnPoint result: a point, an array of points, or nothing. */
  readonly emitPointResult = (result: unknown): void => {
    if (result === undefined || result === null) return;
    this.emit(result as Point | Point[]);
  };

  /** @OnBatch result: a batch, a point, or an array of either, or nothing. */
  readonly emitBatchResult = (result: unknown): void => {
    if (result === undefined || result === null) return;
    const items = Array.isArray(result) ? result : [result];
    for (const item of items) {
      if (isBatch(item)) this.emitBatch(item);
      else this.emit(item as Point);
    }
  };

  /** @OnBeginBatch result: the BeginBatch to emit, or nothing. */
  readonly emitBeginResult = (result: unknown): void => {
    if (result === undefined || result === null) return;
    this.beginBatch(result as BeginBatch);
  };

  /** @OnEndBatch result: the EndBatch to emit, or nothing. */
  readonly emitEndResult = (result: unknown): void => {
    if (result === undefined || result === null) return;
    this.endBatch(result as EndBatch);
  };
}
