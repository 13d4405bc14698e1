/**
 * The command-line flags of `udf-run NAME --replay FILE`: kept apart from the
 * serving flags (args.ts spreads REPLAY_FLAGS into its parser and calls
 * parseReplayArgs), since none of them applies to serving Kapacitor.
 */
import { parseDurationLiteral } from '@kapacitor-udf/core/internal';
import { UsageError } from '../errors';

export type ReplayFormat = 'srpl' | 'brpl' | 'lp';
export type ReplayOutput = 'lp' | 'json';

export interface ReplayArgs {
  /** A file, or '-' for line protocol on stdin. */
  file: string;
  format: ReplayFormat;
  /** TICKscript property chains, in order (`.field('x').size(10)`). */
  tick: string[];
  /** `name=value` pairs, typed by the UDF's declared options. */
  options: string[];
  groupBy?: readonly string[] | '*';
  groupByMeasurement: boolean;
  /** Cut a stream into batches: by time (ns) or points per group. */
  batchEvery?: bigint;
  batchPoints?: number;
  precision: 'ns' | 'us' | 'ms' | 's';
  output: ReplayOutput;
  snapshotOut?: string;
  restore?: string;
}

export const REPLAY_FLAGS = {
  replay: { type: 'string' },
  format: { type: 'string' },
  tick: { type: 'string', multiple: true },
  option: { type: 'string', short: 'o', multiple: true },
  'group-by': { type: 'string' },
  'group-by-measurement': { type: 'boolean' },
  batch: { type: 'string' },
  'batch-points': { type: 'string' },
  precision: { type: 'string' },
  output: { type: 'string' },
  'snapshot-out': { type: 'string' },
  restore: { type: 'string' },
} as const;

type ReplayValues = {
  replay?: string;
  format?: string;
  tick?: string[];
  option?: string[];
  'group-by'?: string;
  'group-by-measurement'?: boolean;
  batch?: string;
  'batch-points'?: string;
  precision?: string;
  output?: string;
  'snapshot-out'?: string;
  restore?: string;
};

const FORMAT_BY_EXTENSION: Readonly<Record<string, ReplayFormat>> = {
  '.srpl': 'srpl',
  '.brpl': 'brpl',
  '.lp': 'lp',
  '.txt': 'lp',
  '.line': 'lp',
};

/** The replay settings, or undefined when --replay is not given (then no replay flag may be). */
export function parseReplayArgs(values: ReplayValues, socket: string | undefined): ReplayArgs | undefined {
  if (values.replay === undefined) {
    const stray = Object.keys(REPLAY_FLAGS).find((flag) => (values as Record<string, unknown>)[flag] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} only applies with --replay FILE`);
    return undefined;
  }
  if (socket !== undefined) throw new UsageError('--replay runs the UDF offline: it cannot be combined with --socket');
  const file = values.replay;
  if (file === '') throw new UsageError('--replay needs a file (.srpl, .brpl, .lp) or - for line protocol on stdin');
  const format = values.format ?? (file === '-' ? 'lp' : FORMAT_BY_EXTENSION[extensionOf(file)]);
  if (format !== 'srpl' && format !== 'brpl' && format !== 'lp') {
    throw new UsageError(
      values.format === undefined
        ? `--replay ${file}: cannot tell the format from the name; add --format srpl (stream recording), brpl (batch recording) or lp (line protocol)`
        : `--format must be srpl, brpl or lp, got "${values.format}"`,
    );
  }
  if (file === '-' && format !== 'lp') throw new UsageError('--replay - reads line protocol from stdin; recordings must be files');
  const precision = values.precision ?? 'ns';
  if (precision !== 'ns' && precision !== 'us' && precision !== 'ms' && precision !== 's') {
    throw new UsageError(`--precision must be ns, us, ms or s, got "${precision}"`);
  }
  if (values.precision !== undefined && format !== 'lp') {
    throw new UsageError('--precision applies to line protocol only (recordings hold nanoseconds)');
  }
  const output = values.output ?? 'lp';
  if (output !== 'lp' && output !== 'json') throw new UsageError(`--output must be lp (line protocol) or json, got "${output}"`);
  let groupBy: ReplayArgs['groupBy'];
  if (values['group-by'] !== undefined) {
    const text = values['group-by'].trim();
    groupBy = text === '*' ? '*' : text.split(',').map((t) => t.trim());
    if (groupBy !== '*' && groupBy.some((t) => t === ''))
      throw new UsageError(`--group-by takes tag names separated by commas (e.g. host,cpu) or *, got "${text}"`);
  }
  if (
    format === 'brpl' &&
    (groupBy !== undefined || values['group-by-measurement'] || values.batch !== undefined || values['batch-points'] !== undefined)
  ) {
    throw new UsageError(
      'a batch recording is already grouped and cut into batches (by its query): --group-by, --group-by-measurement, --batch and --batch-points apply to streams only',
    );
  }
  if (values.batch !== undefined && values['batch-points'] !== undefined)
    throw new UsageError('give --batch (a time window) or --batch-points, not both');
  let batchEvery: bigint | undefined;
  if (values.batch !== undefined) {
    batchEvery = parseDurationLiteral(values.batch);
    if (batchEvery === undefined || batchEvery <= 0n)
      throw new UsageError(`--batch must be a window length such as 10s, 500ms or 1m, got "${values.batch}"`);
  }
  let batchPoints: number | undefined;
  if (values['batch-points'] !== undefined) {
    const n = /^\d+$/.test(values['batch-points'].trim()) ? Number(values['batch-points']) : NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`--batch-points must be a whole number >= 1, got "${values['batch-points']}"`);
    batchPoints = n;
  }
  return {
    file,
    format,
    tick: values.tick ?? [],
    options: values.option ?? [],
    groupBy,
    groupByMeasurement: values['group-by-measurement'] ?? false,
    batchEvery,
    batchPoints,
    precision,
    output,
    snapshotOut: values['snapshot-out'],
    restore: values.restore,
  };
}

function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}
