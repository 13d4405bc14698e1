/**
 * What to replay, as plain data (it crosses into a worker thread): the
 * input, and the grouping and windowing a TICKscript would apply before the
 * UDF node. `planInput` opens it as the driver's ReplayInput.
 */
import * as fs from 'node:fs';
import type { Point } from '@kapacitor-udf/core';
import type { Batch } from './batch';
import { readBatchRecording } from './batch-recording';
import { type GroupBy, grouper } from './group-by';
import { readLineProtocol } from './line-protocol-reader';
import type { Precision } from './precision';
import type { ReplayInput } from './replay-driver';
import { readStreamRecording } from './stream-recording';
import { StreamWindows, type Window } from './stream-windows';
import type { TextSource } from './text-chunks';

export interface ReplayPlan {
  format: 'srpl' | 'brpl' | 'lp';
  /** A file path ('-' with `stdin`: line protocol from that source). */
  file: string;
  precision?: Precision;
  defaultTime?: bigint;
  groupBy?: GroupBy;
  window?: Window;
}

/** Whether the plan gives the UDF batches or a stream. */
export function planEdge(plan: ReplayPlan): 'stream' | 'batch' {
  return plan.format === 'brpl' || plan.window !== undefined ? 'batch' : 'stream';
}

/**
 * The plan's data. `held` reports, at the end, the points left in windows
 * still open (never sent, as in Kapacitor).
 */
export function planInput(plan: ReplayPlan, stdin?: TextSource, onHeld?: (held: () => number) => void): ReplayInput {
  if (plan.format === 'brpl') return { edge: 'batch', batches: readBatchRecording(plan.file) };
  const points: AsyncIterable<Point[]> =
    plan.format === 'srpl'
      ? readStreamRecording(plan.file)
      : readLineProtocol(plan.file === '-' && stdin !== undefined ? stdin : fileText(plan.file), {
          precision: plan.precision,
          defaultTime: plan.defaultTime,
        });
  const group = plan.groupBy === undefined ? undefined : grouper(plan.groupBy);
  if (plan.window === undefined) return { edge: 'stream', points: group === undefined ? points : grouped(points, group) };
  return { edge: 'batch', batches: windowed(points, group ?? grouper({ dimensions: [] }), plan.window, onHeld) };
}

function fileText(file: string): TextSource {
  return fs.createReadStream(file, { highWaterMark: 256 * 1024 });
}

async function* grouped(points: AsyncIterable<Point[]>, group: (p: Point) => void): AsyncGenerator<Point[]> {
  for await (const chunk of points) {
    for (const p of chunk) group(p);
    yield chunk;
  }
}

async function* windowed(
  points: AsyncIterable<Point[]>,
  group: (p: Point) => void,
  window: Window,
  onHeld?: (held: () => number) => void,
): AsyncGenerator<Batch[]> {
  let ready: Batch[] = [];
  const windows = new StreamWindows(window, (b) => ready.push(b));
  onHeld?.(() => windows.held);
  for await (const chunk of points) {
    for (const p of chunk) {
      group(p);
      windows.push(p);
    }
    if (ready.length > 0) {
      yield ready;
      ready = [];
    }
  }
}
