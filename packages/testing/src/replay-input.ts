/**
 * What `UdfHarness.replay` reads: line-protocol text or Kapacitor's
 * recordings (a path or the bytes), turned into the points and batches
 * Kapacitor would send, with the same readers `udf-run --replay` uses.
 */
import type { Point } from '@kapacitor-udf/core';
import {
  type Batch,
  type GroupBy,
  grouper,
  type Precision,
  readBatchRecording,
  readLineProtocol,
  readStreamRecording,
  StreamWindows,
  type Window,
} from '@kapacitor-udf/replay';

/** Line-protocol text, or a stream (.srpl) or batch (.brpl) recording: a file path or its bytes. */
export type ReplaySource = { lineProtocol: string } | { streamRecording: string | Uint8Array } | { batchRecording: string | Uint8Array };

export interface ReplayOptions {
  /** Line protocol: the timestamps' unit (default 'ns'). */
  precision?: Precision;
  /** Line protocol: the time of a line without a timestamp (without it, such a line is an error). */
  defaultTime?: bigint;
  /** Stream input: series groups as a TICKscript groupBy. */
  groupBy?: GroupBy;
  /** Stream input: cut into batches per group (window by time in ns, or by points) for a batch UDF. */
  window?: Window;
}

/** The stream points or batches of `source`, in order. */
export async function readReplaySource(
  source: ReplaySource,
  options: ReplayOptions = {},
): Promise<{ points: Point[] } | { batches: Batch[] }> {
  if ('batchRecording' in source) {
    const batches: Batch[] = [];
    for await (const b of readBatchRecording(source.batchRecording)) batches.push(b);
    return { batches };
  }
  const reader =
    'lineProtocol' in source
      ? readLineProtocol([source.lineProtocol], { precision: options.precision, defaultTime: options.defaultTime })
      : readStreamRecording(typeof source.streamRecording === 'string' ? source.streamRecording : [source.streamRecording]);
  const points: Point[] = [];
  for await (const chunk of reader) points.push(...chunk);
  if (options.groupBy !== undefined) {
    const group = grouper(options.groupBy);
    for (const p of points) group(p);
  }
  if (options.window === undefined) return { points };
  const group = options.groupBy === undefined ? grouper({ dimensions: [] }) : undefined;
  const batches: Batch[] = [];
  const windows = new StreamWindows(options.window, (b) => batches.push(b));
  for (const p of points) {
    group?.(p);
    windows.push(p);
  }
  return { batches };
}
