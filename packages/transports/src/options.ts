import {
  createLogger,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_PARTIAL_FRAMES_SIZE,
  type Logger,
  type LogLevel,
  MAX_TIMER_MS,
  type OptionNames,
} from '@kapacitor-udf/core';
import { nameOption } from '@kapacitor-udf/core/internal';
import { InvalidTransportOptionError } from './errors';
import { type ConnectionLimits, LIMITS, type LimitName, type LimitScope, limitsOfScope, type ServerLimits } from './limits';

/** Options shared by both transports: the limits of limits.ts, and logging. */
export interface ServeOptions extends ConnectionLimits, ServerLimits {
  /** Where logs go; by default JSON lines on stderr at `logLevel`. */
  logger?: Logger;
  /** Level for the default logger (default 'info'). Ignored when `logger` is given. */
  logLevel?: LogLevel;
  /**
   * How error messages name options: by default the option names above
   * ("raise frameTimeoutMs"); udf-run passes its flags (`--frame-timeout`).
   */
  optionNames?: OptionNames;
}

export { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './limits';

export function resolveLogger(options: ServeOptions): Logger {
  return options.logger ?? createLogger({ level: options.logLevel ?? 'info', stream: process.stderr });
}

/** Rejects nonsense early, with a message naming the option, instead of failing mid-conversation. */
export function checkServeOptions(options: ServeOptions): void {
  checkLimits(options, ['connection', 'server']);
  const message = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const budget = options.maxPartialFramesSize ?? DEFAULT_MAX_PARTIAL_FRAMES_SIZE;
  if (budget < message) {
    const name = (option: string): string => nameOption(options.optionNames, option);
    throw new InvalidTransportOptionError(
      `maxPartialFramesSize (${budget} bytes) is smaller than maxMessageSize (${message} bytes): a message of the largest accepted size could never arrive; raise ${name('maxPartialFramesSize')} or lower ${name('maxMessageSize')}`,
    );
  }
}

/** Checks every limit of these scopes that `options` sets, by its unit (limits.ts). */
export function checkLimits(options: Partial<Record<LimitName, number>>, scopes: LimitScope[]): void {
  for (const scope of scopes) {
    for (const name of limitsOfScope(scope)) checkLimit(name, options[name]);
  }
}

function checkLimit(name: LimitName, value: number | undefined): void {
  if (value === undefined) return;
  switch (LIMITS[name].unit) {
    case 'ms':
      checkTimerMs(name, value);
      break;
    case 'bytes':
    case 'count':
      checkNonNegativeInteger(name, value, 1);
      break;
    case 'threads':
      checkNonNegativeInteger(name, value, 0);
      break;
    case 'mode':
      checkMode(name, value);
      break;
  }
}

/** A number of ms a Node timer can honour: 0 (none) to 2^31 - 1 (about 24.8 days). */
export function checkTimerMs(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new InvalidTransportOptionError(
      `${name} must be an integer number of ms from 0 to ${MAX_TIMER_MS} (about 24.8 days), got ${String(value)}`,
    );
  }
}

export function checkNonNegativeInteger(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidTransportOptionError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

function checkMode(name: string, mode: number): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new InvalidTransportOptionError(`${name} must be permission bits between 0 and 0o777, got ${String(mode)}`);
  }
  // Connecting to a unix socket needs write permission on it.
  if ((mode & 0o220) === 0) {
    throw new InvalidTransportOptionError(
      `${name} 0${mode.toString(8)}: neither the owner nor the group could connect to the socket (connecting needs write permission); use 660 or 600`,
    );
  }
}
