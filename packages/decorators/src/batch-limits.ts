/**
 * Limits on what an `@OnBatch` UDF collects before its handler runs. A batch
 * is held whole in memory, so without them one huge batch (a query over a
 * long range) can exhaust the heap and kill every task the process serves.
 */
import type { OptionNames } from '@kapacitor-udf/core';
import { nameOption } from '@kapacitor-udf/core/internal';
import { UdfRuntimeError } from './errors';

/** Most points one collected batch may hold (option `maxBatchPoints`). */
export const DEFAULT_MAX_BATCH_POINTS = 1_000_000;
/** Most request bytes (point bodies on the wire) one collected batch may hold (option `maxBatchSize`). */
export const DEFAULT_MAX_BATCH_SIZE = 128 * 1024 * 1024;

export interface BatchLimits {
  maxBatchPoints: number;
  maxBatchSize: number;
  /** How the messages name these options (see core's nameOption). */
  optionNames?: OptionNames;
}

export function resolveBatchLimits(opts: { maxBatchPoints?: number; maxBatchSize?: number; optionNames?: OptionNames }): BatchLimits {
  const limits = {
    maxBatchPoints: opts.maxBatchPoints ?? DEFAULT_MAX_BATCH_POINTS,
    maxBatchSize: opts.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
  return { ...limits, optionNames: opts.optionNames };
}

export function batchTooManyPoints(udf: string, max: number, names?: OptionNames): UdfRuntimeError {
  return new UdfRuntimeError(
    'ERR_BATCH_TOO_LARGE',
    `${udf}: the input batch has more than ${max} points, the most one collected batch may hold (@OnBatch keeps a whole batch in memory); ` +
      `raise the limit with ${nameOption(names, 'maxBatchPoints')}, or query smaller batches`,
  );
}

export function batchTooManyBytes(udf: string, max: number, names?: OptionNames): UdfRuntimeError {
  return new UdfRuntimeError(
    'ERR_BATCH_TOO_LARGE',
    `${udf}: the input batch has more than ${max} bytes of points, the most one collected batch may hold (@OnBatch keeps a whole batch in memory); ` +
      `raise the limit with ${nameOption(names, 'maxBatchSize')}, or query smaller batches`,
  );
}
