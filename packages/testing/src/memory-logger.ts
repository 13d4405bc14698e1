import type { Logger, LogLevel } from '@kapacitor-udf/core';

export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps what the UDF logs, so tests stay quiet and can assert on it. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(msg: string, fields?: object): void {
    this.entries.push({ level: 'debug', msg, fields: fields as Record<string, unknown> | undefined });
  }
  info(msg: string, fields?: object): void {
    this.entries.push({ level: 'info', msg, fields: fields as Record<string, unknown> | undefined });
  }
  warn(msg: string, fields?: object): void {
    this.entries.push({ level: 'warn', msg, fields: fields as Record<string, unknown> | undefined });
  }
  error(msg: string, fields?: object): void {
    this.entries.push({ level: 'error', msg, fields: fields as Record<string, unknown> | undefined });
  }
}
