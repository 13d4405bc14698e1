/**
 * A logger that writes at most a burst of lines of each kind (level and
 * message text) per window, and at most a larger burst of all kinds
 * together; the rest are counted, and the count is logged once per window
 * and kind ("N more lines like this were suppressed"). One per connection:
 * a peer that makes the UDF log on every request (each zero-length frame
 * logged a warning: 2 MB of input made 526 MB of log and an 11 s stall, and
 * with --workers the main thread writing the worker's lines answered its
 * pings late) costs a few lines, not the server.
 */
import type { Logger, LogLevel } from './logger';

export interface RateLimitOptions {
  /** Lines of one kind written per window (default 20). */
  perKind?: number;
  /** Lines of all kinds together written per window (default 200). */
  total?: number;
  /** The window, in ms (default 10 s). */
  windowMs?: number;
}

export const DEFAULT_LOG_RATE_LIMIT = { perKind: 20, total: 200, windowMs: 10_000 } as const;

/** Distinct kinds tracked one by one; beyond, new kinds share one count (so the map stays small). */
const MAX_KINDS = 256;
const OTHER_KINDS = '\0other';

interface KindState {
  readonly level: LogLevel;
  readonly msg: string;
  written: number;
  suppressed: number;
}

export interface RateLimitedLogger extends Logger {
  /** Logs the counts of lines suppressed so far (at the end of a connection). */
  flush(): void;
}

export function rateLimitedLogger(base: Logger, options: RateLimitOptions = {}): RateLimitedLogger {
  const perKind = options.perKind ?? DEFAULT_LOG_RATE_LIMIT.perKind;
  const total = options.total ?? DEFAULT_LOG_RATE_LIMIT.total;
  const windowMs = options.windowMs ?? DEFAULT_LOG_RATE_LIMIT.windowMs;
  let kinds = new Map<string, KindState>();
  let writtenInWindow = 0;
  let windowStart = Date.now();
  let timer: NodeJS.Timeout | null = null;

  const report = (): void => {
    for (const state of kinds.values()) {
      if (state.suppressed === 0) continue;
      const seconds = Math.round(windowMs / 100) / 10;
      base[state.level](
        `${state.suppressed} more log line${state.suppressed === 1 ? '' : 's'} like this were suppressed ` +
          `(at most ${perKind} of a kind and ${total} in all per ${seconds} s per connection): ${state.msg}`,
        { suppressed: state.suppressed },
      );
      state.suppressed = 0;
    }
  };
  const newWindow = (now: number): void => {
    report();
    kinds = new Map();
    writtenInWindow = 0;
    windowStart = now;
  };
  const onTimer = (): void => {
    timer = null;
    newWindow(Date.now());
  };

  const log =
    (level: LogLevel) =>
    (msg: string, fields?: object): void => {
      const now = Date.now();
      if (now - windowStart >= windowMs) newWindow(now);
      let key = `${level}\0${msg}`;
      let state = kinds.get(key);
      if (state === undefined) {
        if (kinds.size >= MAX_KINDS) key = OTHER_KINDS;
        state = kinds.get(key);
        if (state === undefined) {
          state = { level, msg: key === OTHER_KINDS ? '(lines of other kinds)' : msg, written: 0, suppressed: 0 };
          kinds.set(key, state);
        }
      }
      if (state.written < perKind && writtenInWindow < total) {
        state.written++;
        writtenInWindow++;
        base[level](msg, fields);
        return;
      }
      state.suppressed++;
      if (timer === null) {
        // Reports the count at the window's end even if no other line comes;
        // unref'd: it never keeps a process up by itself (flush() covers the end).
        timer = setTimeout(onTimer, windowStart + windowMs - now);
        timer.unref();
      }
    };

  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    flush: () => {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      report();
    },
  };
}
