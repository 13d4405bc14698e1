import { parseArgs } from 'node:util';
import { type LogLevel, MAX_TIMER_MS } from '@kapacitor-udf/core';
import { LIMIT_NAMES, LIMITS, type LimitName, type LimitUnit } from '@kapacitor-udf/transports';
import { UsageError } from './errors';
import { checkOpsCombination, checkReplayOps, OPS_FLAG_OPTIONS, type OpsArgs, parseOpsFlags } from './ops-flags';
import { parseReplayArgs, REPLAY_FLAGS, type ReplayArgs } from './replay/replay-args';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The limits as CliArgs holds them: by API option name, except the socket
 * file's `mode`, which is `socketMode` here (beside `socket`).
 */
export type LimitArgs = { [K in Exclude<LimitName, 'mode'>]?: number } & { socketMode?: number };

/** The command line, checked and converted. */
export interface CliArgs extends LimitArgs {
  command: 'run' | 'list' | 'describe' | 'help' | 'version';
  name?: string;
  socket?: string;
  modules: string[];
  dir?: string;
  logLevel: LogLevel;
  /** --on-error, --metrics, --stats-interval, --watch (ops-flags.ts: beside the limits, not limits). */
  ops: OpsArgs;
  /** Set by --replay FILE: run offline over a recording or line protocol (replay/replay-args.ts). */
  replay?: ReplayArgs;
}

/** Where CliArgs keeps a limit. */
export function limitArg(name: LimitName): keyof LimitArgs {
  return name === 'mode' ? 'socketMode' : name;
}

/** A limit's flag as typed: `--max-message-size`. */
export function limitFlag(name: LimitName): string {
  return `--${LIMITS[name].flag}`;
}

/**
 * Text to number for each unit of limits.ts; a wrong value is a UsageError
 * naming the flag. A unit added there needs its parser here (the Record
 * type makes the compiler ask for it).
 */
export const PARSERS: Record<LimitUnit, (flag: string, text: string) => number> = {
  bytes: parseSize,
  ms: parseDurationMs,
  count: parseCount,
  threads: (_flag, text) => parseWorkers(text),
  mode: (_flag, text) => parseMode(text),
};

/**
 * The flags that are not limits (limits come from the table in
 * transports/src/limits.ts). A new switch or path goes here, and into
 * CliArgs, parseCliArgs and HELP.
 */
const FLAGS = {
  socket: { type: 'string' },
  module: { type: 'string', short: 'm', multiple: true },
  dir: { type: 'string', short: 'C' },
  'log-level': { type: 'string' },
  list: { type: 'boolean', short: 'l' },
  describe: { type: 'boolean', short: 'd' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const LIMIT_FLAGS = Object.fromEntries(LIMIT_NAMES.map((name) => [LIMITS[name].flag, { type: 'string' as const }]));

/** node:util's parseArgs with udf-run's flags; a wrong command line is a UsageError. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...FLAGS, ...OPS_FLAG_OPTIONS, ...LIMIT_FLAGS, ...REPLAY_FLAGS },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseFlags(argv);

  const logLevel = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${values['log-level']}"`);
  }
  const limits: LimitArgs = {};
  for (const name of LIMIT_NAMES) {
    const text = (values as Record<string, unknown>)[LIMITS[name].flag] as string | undefined;
    if (text !== undefined) limits[limitArg(name)] = PARSERS[LIMITS[name].unit](limitFlag(name), text);
  }
  const common = {
    modules: values.module ?? [],
    dir: values.dir,
    socket: values.socket,
    ...limits,
    logLevel,
    ops: parseOpsFlags(values, parseDurationMs),
  };

  if (values.help) return { command: 'help', ...common };
  if (values.version) return { command: 'version', ...common };
  if (positionals.length > 1) {
    throw new UsageError(`expected one UDF name, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const name = positionals[0];
  if (values.list) {
    if (values.describe) throw new UsageError('--list and --describe cannot be combined');
    return { command: 'list', name, ...common };
  }
  if (name === undefined) {
    throw new UsageError('which UDF should run? Give its @Udf name or class name, e.g. "udf-run mirror", or run "udf-run --list"');
  }
  if (common.socket === undefined) {
    for (const limit of LIMIT_NAMES) {
      if (LIMITS[limit].scope !== 'socket' || common[limitArg(limit)] === undefined) continue;
      throw new UsageError(
        limit === 'workers'
          ? '--workers only applies with --socket PATH (a process UDF serves one task: start more tasks instead)'
          : `${limitFlag(limit)} only applies with --socket PATH`,
      );
    }
  }
  if (common.socket === '') throw new UsageError('--socket needs a path, e.g. --socket /tmp/mirror.sock');
  const replay = parseReplayArgs(values, common.socket);
  if (replay !== undefined && values.describe) throw new UsageError('--replay and --describe cannot be combined');
  if (replay !== undefined) checkReplayOps(common.ops);
  if (!values.describe && replay === undefined) checkOpsCombination(common.ops, common.socket);
  return { command: values.describe ? 'describe' : 'run', name, ...common, replay };
}

/**
 * How udf-run's messages name the API's options: the flag. Passed to the
 * transports (ServeOptions.optionNames), which name options in their own
 * API's terms unless told otherwise.
 */
export const FLAG_NAMES: Readonly<Record<string, string>> = Object.fromEntries(LIMIT_NAMES.map((name) => [name, limitFlag(name)]));

/** Worker threads: a whole number from 1 to 256. */
export function parseWorkers(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 256) {
    throw new UsageError(`--workers must be a number of threads from 1 to 256 (e.g. the number of cores), got "${text}"`);
  }
  return n;
}

/** A positive whole number, e.g. a number of points. */
export function parseCount(flag: string, text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number >= 1, e.g. 1000000, got "${text}"`);
  return n;
}

/** Octal permission bits: "660", "0660" or "0o660". */
export function parseMode(text: string): number {
  const digits = text.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits)) {
    throw new UsageError(`--socket-mode must be octal permission bits such as 660 or 0600, got "${text}"`);
  }
  const mode = parseInt(digits, 8);
  if (mode > 0o777) throw new UsageError(`--socket-mode must be at most 777, got "${text}"`);
  if ((mode & 0o220) === 0) {
    throw new UsageError(
      `--socket-mode ${text}: neither the owner nor the group could connect (connecting to a socket needs write permission); use 660 or 600`,
    );
  }
  return mode;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds: "500" (ms), "500ms", "10s", "2m", "1h". */
export function parseDurationMs(flag: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 500ms, 10s or 2m (a bare number means ms), got "${text}"`);
  const ms = Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms'];
  // Node timers longer than 2^31 - 1 ms fire after 1 ms instead (with a warning).
  if (!Number.isSafeInteger(ms) || ms > MAX_TIMER_MS) {
    throw new UsageError(`${flag} must be at most ${MAX_TIMER_MS} ms (about 24.8 days, e.g. 596h), got "${text}"`);
  }
  return ms;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Bytes: "1048576", "64MiB", "512k", "1MB". */
export function parseSize(flag: string, text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new UsageError(`${flag} must be a size such as 1048576, 512KiB or 64MiB, got "${text}"`);
  const bytes = Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`${flag} must be between 1 byte and 8 PiB, got "${text}"`);
  return bytes;
}
