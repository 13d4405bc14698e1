/**
 * The `UdfContext` every handler receives as its last argument: who the UDF
 * runs for, a logger, and the way to emit data at any time (from handlers,
 * timers, or at stop).
 */
import { BatchOrderError, type BeginBatch, type Emitter, type EndBatch, type Logger, type Point } from '@kapacitor-udf/core';
import { type Batch, isBatch } from './batch';
import type { EdgeName } from './definition';
import { UdfRuntimeError } from './errors';
import { messageProblem, pointProblem } from './result-check';

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
    const problem = pointProblem(point);
    if (problem !== undefined) {
      throw new UdfRuntimeError('ERR_INVALID_RESULT', `${this.udfName} emitted ${problem} where a point was expected`);
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

  // Emitting handler results. Each result is checked whole before any of it
  // is emitted, so a bad item never leaves half its output behind.

  /**
   * The function that emits what the handler `label` (e.g.
   * "Outliers.batch() (@OnBatch)") returned, for a handler of `kind`.
   */
  resultEmitter(kind: 'point' | 'batch' | 'begin' | 'end', label: string): (result: unknown) => void {
    const invalid = (what: string, expected: string): never => {
      throw new UdfRuntimeError('ERR_INVALID_RESULT', `${this.udfName}: ${label} returned ${what}; ${expected}`);
    };
    switch (kind) {
      case 'point':
        return (result) => {
          if (result === undefined || result === null) return;
          if (Array.isArray(result)) {
            for (let i = 0; i < result.length; i++) {
              const problem = pointProblem(result[i]);
              if (problem !== undefined) invalid(`an array whose item ${i} is ${problem}`, POINT_RESULT);
            }
          } else {
            const problem = pointProblem(result);
            if (problem !== undefined) invalid(problem, POINT_RESULT);
          }
          this.emit(result as Point | Point[]);
        };
      case 'batch':
        return (result) => {
          if (result === undefined || result === null) return;
          const items: unknown[] = Array.isArray(result) ? result : [result];
          for (let i = 0; i < items.length; i++) {
            const problem = batchItemProblem(items[i]);
            if (problem !== undefined) invalid(Array.isArray(result) ? `an array whose item ${i} is ${problem}` : problem, BATCH_RESULT);
          }
          for (const item of items) {
            if (isBatch(item)) this.emitBatch(item);
            else this.emit(item as Point);
          }
        };
      case 'begin':
      case 'end':
        return (result) => {
          if (result === undefined || result === null) return;
          const problem = messageProblem(result);
          if (problem !== undefined)
            invalid(problem, kind === 'begin' ? 'expected a BeginBatch or nothing' : 'expected an EndBatch or nothing');
          if (kind === 'begin') this.beginBatch(result as BeginBatch);
          else this.endBatch(result as EndBatch);
        };
    }
  }
}

const POINT_RESULT = 'a point handler returns a point (an object with a bigint time), an array of points, or nothing';
const BATCH_RESULT = 'a batch handler returns a batch ({ begin, points, end }), a point, an array of either, or nothing';

/** Why an item of an @OnBatch result is neither a batch (with valid points) nor a point. */
function batchItemProblem(item: unknown): string | undefined {
  if (isBatch(item)) {
    if (messageProblem(item.begin) !== undefined || messageProblem(item.end) !== undefined)
      return 'a batch whose begin or end is not an object';
    for (let i = 0; i < item.points.length; i++) {
      const problem = pointProblem(item.points[i]);
      if (problem !== undefined) return `a batch whose point ${i} is ${problem}`;
    }
    return undefined;
  }
  const problem = pointProblem(item);
  if (problem === undefined) return undefined;
  return problem === 'an object without a bigint time' ? 'an object that is neither a point nor a batch ({ begin, points, end })' : problem;
}
