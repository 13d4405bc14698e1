/**
 * The 'skip' error policy (`@Udf({ onError: 'skip' })`, `udf-run --on-error
 * skip`): a point or batch whose handler throws, rejects or returns an
 * invalid result is logged and counted instead of ending the task.
 *
 * A handler failing on every point would otherwise write one log line per
 * point (Kapacitor copies each stderr line of a UDF into its own log), so
 * lines are rate-limited per connection; the count of lines left out is
 * carried by the next line written. Nothing here runs unless a handler failed.
 */
import type { Logger, Point } from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';

/** Log lines per second one connection may write about skipped items (a burst of this many is allowed). */
const LINES_PER_SECOND = 10;

/** What was skipped, for the log line. */
export interface SkippedItem {
  /** 'point' or 'batch' (a whole batch given to @OnBatch, or a BeginBatch / EndBatch). */
  kind: 'point' | 'batch';
  /** The series: the measurement and its tags, as line protocol writes them (`cpu,host=a`). */
  series: string;
  /** The point's time, or the batch's tmax, in nanoseconds (unknown for a BeginBatch). */
  time: bigint | undefined;
}

export class SkipReporter {
  private tokens = LINES_PER_SECOND;
  private refilledAt = 0;
  private suppressed = 0;
  /** Items skipped on this connection. */
  skipped = 0;

  constructor(
    private readonly log: Logger,
    private readonly where: { readonly taskID: string; readonly nodeID: string },
    private readonly udfName: string,
    private readonly onSkip: ((error: unknown) => void) | undefined,
  ) {}

  /** Logs (rate-limited) and counts one skipped item. */
  report(error: unknown, item: SkippedItem): void {
    this.skipped++;
    this.onSkip?.(error);
    const now = Date.now();
    this.tokens = Math.min(LINES_PER_SECOND, this.tokens + ((now - this.refilledAt) * LINES_PER_SECOND) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.suppressed++;
      return;
    }
    this.tokens--;
    const code = (error as { code?: unknown } | null)?.code;
    this.log.warn(`${this.udfName}: skipped a ${item.kind} whose handler failed (--on-error skip); the task goes on`, {
      taskID: this.where.taskID,
      nodeID: this.where.nodeID,
      series: item.series,
      ...(item.time !== undefined ? { pointTime: formatTime(item.time) } : {}),
      error: describeError(error),
      ...(typeof code === 'string' ? { code } : {}),
      skipped: this.skipped,
      ...(this.suppressed > 0 ? { linesLeftOut: this.suppressed } : {}),
    });
    this.suppressed = 0;
  }
}

/** `cpu,host=a,region=eu`: the measurement, then the tags in key order (line protocol's series key). */
export function seriesKey(name: string | undefined, tags: Readonly<Record<string, string>> | undefined): string {
  let key = name ?? '';
  if (tags !== undefined && tags !== null) {
    for (const k of Object.keys(tags).sort()) key += `,${k}=${tags[k]}`;
  }
  return key;
}

export function pointItem(point: Point | undefined): SkippedItem {
  return { kind: 'point', series: seriesKey(point?.name, point?.tags), time: typeof point?.time === 'bigint' ? point.time : 0n };
}

/** RFC 3339 with nanoseconds, as Kapacitor writes times: 2026-01-02T03:04:05.123456789Z. */
export function formatTime(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  let nanos = ns % 1_000_000_000n;
  let whole = seconds;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    whole -= 1n;
  }
  const date = new Date(Number(whole) * 1000);
  if (Number.isNaN(date.getTime())) return `${ns}ns`;
  return date.toISOString().replace('.000Z', `.${nanos.toString().padStart(9, '0')}Z`);
}
