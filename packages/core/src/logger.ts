/**
 * Minimal structured logging shared by every package: one JSON object per
 * line, to stderr by default (Kapacitor logs each stderr line of a process
 * UDF; stdout is the protocol stream and must never be written to).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: object): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
  /** A logger that adds `fields` to every line (e.g. taskID, nodeID, a connection id). */
  child?(fields: object): Logger;
}

export interface LoggerOptions {
  /** Lowest level written (default 'info'); 'silent' writes nothing. */
  level?: LogLevel | 'silent';
  /** Where lines go (default process.stderr). */
  stream?: { write(line: string): unknown };
  /** Fields added to every line. */
  fields?: object;
}

const LEVELS: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: unknown): value is LogLevel | 'silent' {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}

class JsonLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly stream: { write(line: string): unknown },
    private readonly fields: object,
  ) {}

  debug(msg: string, fields?: object): void {
    if (this.min <= 10) this.write('debug', msg, fields);
  }

  info(msg: string, fields?: object): void {
    if (this.min <= 20) this.write('info', msg, fields);
  }

  warn(msg: string, fields?: object): void {
    if (this.min <= 30) this.write('warn', msg, fields);
  }

  error(msg: string, fields?: object): void {
    if (this.min <= 40) this.write('error', msg, fields);
  }

  child(fields: object): Logger {
    return new JsonLogger(this.min, this.stream, { ...this.fields, ...fields });
  }

  private write(level: LogLevel, msg: string, fields: object | undefined): void {
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    addFields(record, this.fields);
    if (fields !== undefined) addFields(record, fields);
    let line: string;
    try {
      line = JSON.stringify(record, jsonSafe);
    } catch (err) {
      line = JSON.stringify({ time: record.time, level, msg, logError: `fields not serializable: ${String(err)}` });
    }
    try {
      this.stream.write(`${line}\n`);
    } catch {
      // Logging must never take the UDF down (e.g. stderr closed).
    }
  }
}

/**
 * Copies `fields` into a log record. A field named like one of the line's own
 * keys (time, level, msg) is kept as `fields.<name>`: a UDF logging a point's
 * `time` must not make the line claim another time.
 */
function addFields(record: Record<string, unknown>, fields: object): void {
  for (const key of Object.keys(fields)) {
    const value = (fields as Record<string, unknown>)[key];
    if (key === 'time' || key === 'level' || key === 'msg') record[`fields.${key}`] = value;
    else record[key] = value;
  }
}

/** Renders bigints as decimal strings and Errors as {name, message, code, stack}. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.stack) out.stack = value.stack;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  return value;
}

/** A JSON-lines logger (to stderr by default). */
export function createLogger(options: LoggerOptions = {}): Logger & { child(fields: object): Logger } {
  const level = options.level ?? 'info';
  if (!isLogLevel(level)) {
    throw new RangeError(`unknown log level ${JSON.stringify(level)}: use debug, info, warn, error or silent`);
  }
  return new JsonLogger(LEVELS[level], options.stream ?? process.stderr, options.fields ?? {});
}

/** A logger that writes nothing. */
export const silentLogger: Logger & { child(fields: object): Logger } = createLogger({ level: 'silent' });

/** `logger.child(fields)`, or a wrapper adding the fields for loggers without `child`. */
export function childLogger(logger: Logger, fields: object): Logger {
  if (typeof logger.child === 'function') return logger.child(fields);
  const merge = (extra?: object): object => ({ ...fields, ...extra });
  return {
    debug: (msg, extra) => logger.debug(msg, merge(extra)),
    info: (msg, extra) => logger.info(msg, merge(extra)),
    warn: (msg, extra) => logger.warn(msg, merge(extra)),
    error: (msg, extra) => logger.error(msg, merge(extra)),
    child: (more) => childLogger(logger, { ...fields, ...more }),
  };
}
