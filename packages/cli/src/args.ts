import { parseArgs } from 'node:util';
import { type LogLevel, MAX_TIMER_MS } from '@kapacitor-udf/core';
import { UsageError } from './errors';
import { parseReplayArgs, REPLAY_FLAGS, type ReplayArgs } from './replay/replay-args';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The command line, checked and converted. */
export interface CliArgs {
  command: 'run' | 'list' | 'describe' | 'help' | 'version';
  name?: string;
  socket?: string;
  socketMode?: number;
  shutdownTimeoutMs?: number;
  /** Worker threads serving the socket's connections (unset: all in the main thread). */
  workers?: number;
  modules: string[];
  dir?: string;
  maxMessageSize?: number;
  handlerTimeoutMs?: number;
  maxBatchPoints?: number;
  maxBatchSize?: number;
  maxQueuedSize?: number;
  maxPartialFramesSize?: number;
  frameTimeoutMs?: number;
  logLevel: LogLevel;
  /** Set by --replay FILE: run offline over a recording or line protocol (replay/replay-args.ts). */
  replay?: ReplayArgs;
}

/** node:util's parseArgs with udf-run's flags; a wrong command line is a UsageError. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        socket: { type: 'string' },
        'socket-mode': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        workers: { type: 'string' },
        module: { type: 'string', short: 'm', multiple: true },
        dir: { type: 'string', short: 'C' },
        'max-message-size': { type: 'string' },
        'handler-timeout': { type: 'string' },
        'max-batch-points': { type: 'string' },
        'max-batch-size': { type: 'string' },
        'max-queued-size': { type: 'string' },
        'max-partial-frames-size': { type: 'string' },
        'frame-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        list: { type: 'boolean', short: 'l' },
        describe: { type: 'boolean', short: 'd' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...REPLAY_FLAGS,
      },
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
  const common = {
    modules: values.module ?? [],
    dir: values.dir,
    socket: values.socket,
    socketMode: values['socket-mode'] === undefined ? undefined : parseMode(values['socket-mode']),
    shutdownTimeoutMs: optional(values['shutdown-timeout'], (v) => parseDurationMs('--shutdown-timeout', v)),
    workers: optional(values.workers, parseWorkers),
    maxMessageSize: optional(values['max-message-size'], (v) => parseSize('--max-message-size', v)),
    handlerTimeoutMs: optional(values['handler-timeout'], (v) => parseDurationMs('--handler-timeout', v)),
    maxBatchPoints: optional(values['max-batch-points'], (v) => parseCount('--max-batch-points', v)),
    maxBatchSize: optional(values['max-batch-size'], (v) => parseSize('--max-batch-size', v)),
    maxQueuedSize: optional(values['max-queued-size'], (v) => parseSize('--max-queued-size', v)),
    maxPartialFramesSize: optional(values['max-partial-frames-size'], (v) => parseSize('--max-partial-frames-size', v)),
    frameTimeoutMs: optional(values['frame-timeout'], (v) => parseDurationMs('--frame-timeout', v)),
    logLevel,
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
    throw new UsageError('which UDF should run? Give its name, e.g. "udf-run MirrorUdf", or run "udf-run --list"');
  }
  if (common.socket === undefined && common.socketMode !== undefined) {
    throw new UsageError('--socket-mode only applies with --socket PATH');
  }
  if (common.socket === undefined && common.workers !== undefined) {
    throw new UsageError('--workers only applies with --socket PATH (a process UDF serves one task: start more tasks instead)');
  }
  if (common.socket === '') throw new UsageError('--socket needs a path, e.g. --socket /tmp/mirror.sock');
  const replay = parseReplayArgs(values, common.socket);
  if (replay !== undefined && values.describe) throw new UsageError('--replay and --describe cannot be combined');
  return { command: values.describe ? 'describe' : 'run', name, ...common, replay };
}

function optional<T>(value: string | undefined, convert: (v: string) => T): T | undefined {
  return value === undefined ? undefined : convert(value);
}

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
