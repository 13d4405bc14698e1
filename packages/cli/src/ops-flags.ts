/**
 * udf-run's operations flags: --on-error, --metrics, --stats-interval,
 * --watch. They are not limits (nothing is bounded by them), so they live
 * beside the limits table rather than in it.
 */
import { ERROR_POLICIES, type ErrorPolicy } from '@kapacitor-udf/decorators';
import { UsageError } from './errors';
import { type MetricsAddress, parseMetricsAddress } from './metrics-listener';

export interface OpsArgs {
  /** --on-error: overrides the class's `@Udf({ onError })`. */
  onError?: ErrorPolicy;
  /** --metrics: where /metrics and /ready are served. */
  metrics?: MetricsAddress;
  /** The --metrics text as given (for --describe's kapacitor.conf line). */
  metricsText?: string;
  /** --stats-interval in ms. */
  statsIntervalMs?: number;
  /** --watch: reload when a file of the UDF's package changes. */
  watch: boolean;
}

/** The flags as node:util's parseArgs declares them. */
export const OPS_FLAG_OPTIONS = {
  'on-error': { type: 'string' },
  metrics: { type: 'string' },
  'stats-interval': { type: 'string' },
  watch: { type: 'boolean' },
} as const;

/** Shortest --stats-interval: a line per 100 ms is already more than anyone reads. */
const MIN_STATS_INTERVAL_MS = 100;

export function parseOpsFlags(
  values: { 'on-error'?: string; metrics?: string; 'stats-interval'?: string; watch?: boolean },
  parseDurationMs: (flag: string, text: string) => number,
): OpsArgs {
  const out: OpsArgs = { watch: values.watch === true };
  const onError = values['on-error'];
  if (onError !== undefined) {
    if (!(ERROR_POLICIES as readonly string[]).includes(onError)) {
      throw new UsageError(`--on-error must be 'fail' or 'skip', got "${onError}"`);
    }
    out.onError = onError as ErrorPolicy;
  }
  if (values.metrics !== undefined) {
    out.metrics = parseMetricsAddress(values.metrics);
    out.metricsText = values.metrics;
  }
  const interval = values['stats-interval'];
  if (interval !== undefined) {
    const ms = parseDurationMs('--stats-interval', interval);
    if (ms < MIN_STATS_INTERVAL_MS)
      throw new UsageError(`--stats-interval must be at least ${MIN_STATS_INTERVAL_MS}ms, e.g. 1m, got "${interval}"`);
    out.statsIntervalMs = ms;
  }
  return out;
}

/** Usage errors of flag combinations (checked once the command is known). */
export function checkOpsCombination(ops: OpsArgs, socket: string | undefined): void {
  if (ops.watch && socket === undefined) {
    throw new UsageError(
      '--watch only applies with --socket PATH (a process UDF runs the code Kapacitor started it with: restart the task)',
    );
  }
}

/**
 * --replay runs the UDF once, offline: --on-error applies to it as to a
 * server; the flags that watch or change a running server do not, and are
 * refused rather than silently ignored.
 */
export function checkReplayOps(ops: OpsArgs): void {
  const serverOnly: string[] = [];
  if (ops.metricsText !== undefined) serverOnly.push('--metrics');
  if (ops.statsIntervalMs !== undefined) serverOnly.push('--stats-interval');
  if (ops.watch) serverOnly.push('--watch');
  if (serverOnly.length > 0) {
    throw new UsageError(
      `${serverOnly.join(', ')} ${serverOnly.length === 1 ? 'applies' : 'apply'} to a running server, not to --replay ` +
        '(which prints its own summary on stderr): drop it, or run the UDF with --socket PATH',
    );
  }
}

/**
 * The flags as udf-run takes them, for --describe's kapacitor.conf section.
 * Not --metrics for a process UDF: Kapacitor starts one process per task, and
 * each would bind the same address (--stats-interval is the way there).
 */
export function opsRunArgs(ops: OpsArgs, socket: boolean): string[] {
  const args: string[] = [];
  if (ops.onError !== undefined) args.push('--on-error', ops.onError);
  if (ops.metricsText !== undefined && socket) args.push('--metrics', ops.metricsText);
  if (ops.statsIntervalMs !== undefined) args.push('--stats-interval', `${ops.statsIntervalMs}ms`);
  return args;
}
