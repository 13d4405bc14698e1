/**
 * A wrapper around the Handler that counts a connection's requests into its
 * ConnectionStats and times handler calls. Points are not wrapped: the agent
 * counts them (and times one in POINT_TIME_SAMPLE) itself, so counting adds
 * no call to the point path; the requests wrapped here are few.
 */
import { performance } from 'node:perf_hooks';
import type { BeginBatch, EndBatch, Handler, MaybePromise } from '@kapacitor-udf/core';
import { isThenable } from '@kapacitor-udf/core/internal';
import { type ConnectionStats, LATENCY_SAMPLE_EVERY, type LatencyHistogram } from './connection-stats';

// Invariant: LATENCY_SAMPLE_EVERY is a power of two, so `n & SAMPLE_MASK` is `n % LATENCY_SAMPLE_EVERY`.
const SAMPLE_MASK = LATENCY_SAMPLE_EVERY - 1;

/** Calls fn(value) and records how long it took (until its promise settled, for an async handler). */
function timed<T, R>(histogram: LatencyHistogram, fn: (value: T) => R, value: T): R {
  const start = performance.now();
  const result = fn(value);
  if (isThenable(result)) {
    return Promise.resolve(result).finally(() => histogram.observe((performance.now() - start) / 1000)) as unknown as R;
  }
  histogram.observe((performance.now() - start) / 1000);
  return result;
}

/** `handler`, counting each request but points (the agent counts those) into `stats`. */
export function countingHandler(handler: Handler, stats: ConnectionStats): Handler {
  const h = stats.latency;
  const beginBatch = handler.beginBatch.bind(handler);
  const endBatch = handler.endBatch.bind(handler);
  const info = handler.info.bind(handler);
  const init = handler.init.bind(handler);
  const snapshot = handler.snapshot.bind(handler);
  const restore = handler.restore.bind(handler);
  return {
    info: () => {
      stats.info++;
      return info();
    },
    init: (request) => {
      stats.init++;
      return timed(h, init, request);
    },
    snapshot: () => {
      stats.snapshots++;
      return timed(h, snapshot, undefined);
    },
    restore: (request) => {
      stats.restores++;
      return timed(h, restore, request);
    },
    point: handler.point.bind(handler),
    beginBatch: (begin: BeginBatch): MaybePromise<void> => {
      if ((++stats.batchesIn & SAMPLE_MASK) !== 0) return beginBatch(begin);
      return timed(h, beginBatch, begin);
    },
    // Every EndBatch is timed: an @OnBatch handler does all its work there.
    endBatch: (end: EndBatch): MaybePromise<void> => {
      stats.ends++;
      return timed(h, endBatch, end);
    },
    stop: handler.stop.bind(handler),
  };
}
