import { MemoryBudget } from '@kapacitor-udf/core';
import { type ErrorPolicy, getUdfDefinition } from '@kapacitor-udf/decorators';
import { type ConnectionSnapshot, type ServerSnapshot, StatsRegistry } from './connection-stats';
import { ShutdownTimeoutError } from './errors';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './limits';
import { checkServeOptions, resolveLogger, type ServeOptions } from './options';
import { guardStdout, type StdoutGuard } from './stdout-guard';
import { assertUdfClass, type UdfClass } from './udf-class';
import { startConnection } from './udf-connection';

export interface StdioOptions extends ServeOptions {
  /**
   * A guard already installed with `guardStdout()`, for programs that must
   * keep stdout clean from before the UDF is even loaded (udf-run installs
   * one before importing user modules, which may print at import time).
   */
  stdoutGuard?: StdoutGuard;
  /** Count the conversation's traffic, for `stats()` (udf-run's --stats-interval, --metrics). */
  stats?: boolean;
  /** Overrides the class's `@Udf({ onError })` (udf-run's --on-error). */
  onError?: ErrorPolicy;
}

/**
 * A running process UDF. It never exits the process nor handles signals:
 * the program does (udf-run: exit 0 when `done` resolves, 1 when it
 * rejects; SIGTERM/SIGINT call `stop`).
 */
export interface StdioServer {
  /**
   * Resolves after a clean end (EOF or stop(), every response flushed);
   * rejects with the error that ended the conversation. After a shutdown
   * timeout it settles within a few seconds even if the ErrorResponse
   * cannot be flushed (Kapacitor stopped reading).
   */
  readonly done: Promise<void>;
  /**
   * Stops as an end of input does: the handler's stop() runs and everything
   * produced so far is flushed; pending handlers get `shutdownTimeoutMs`,
   * then the conversation ends with an ErrorResponse. `why` names the cause
   * in that error (e.g. "received SIGTERM").
   */
  stop(why?: string): void;
  /** Ends the conversation at once (the agent sends an ErrorResponse when a reason is given). */
  close(reason?: Error): void;
  /** The conversation's counts (no connections without the `stats` option). */
  stats(): Promise<{ connections: ConnectionSnapshot[]; server: ServerSnapshot }>;
}

/** After a shutdown timeout, how long the ErrorResponse may take to flush before `done` rejects anyway. */
const FATAL_FLUSH_GRACE_MS = 2000;

/**
 * Runs `cls` as a process UDF: requests on stdin, responses on stdout.
 * Nothing else reaches stdout while it runs (see guardStdout).
 */
export function serveStdio(cls: UdfClass, options: StdioOptions = {}): StdioServer {
  assertUdfClass(cls);
  checkServeOptions(options);
  const logger = resolveLogger(options);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;

  const guard = options.stdoutGuard ?? guardStdout();
  const fields: Record<string, unknown> = { udf: cls.name, transport: 'stdio', pid: process.pid };
  const registry = options.stats === true ? new StatsRegistry() : undefined;
  const stats = registry?.open(1, getUdfDefinition(cls).name);
  const stdout = process.stdout as { bytesWritten?: unknown };
  const connection = startConnection({
    cls,
    input: process.stdin,
    output: guard.protocolOut,
    options,
    logger,
    fields,
    stats,
    onError: options.onError,
    // The guard's protocol stream writes to stdout (a pipe: a socket that counts its bytes).
    bytesOut: () => (typeof stdout.bytesWritten === 'number' ? stdout.bytesWritten : 0),
    memoryBudget: new MemoryBudget(options.maxRetainedSize || undefined, options.optionNames),
  });
  if (stats !== undefined) void connection.done.catch(() => undefined).then(() => registry?.close(stats));

  // Kapacitor closing our stdout (EPIPE) must end the conversation, not crash
  // the process with an unhandled 'error' event.
  const onStdoutError = (err: Error): void => connection.agent.close(err);
  process.stdout.on('error', onStdoutError);

  let failFlush: (err: Error) => void = () => undefined;
  const flushGiveUp = new Promise<never>((_, reject) => (failFlush = reject));
  let graceTimer: NodeJS.Timeout | undefined;

  // A pending handler promise does not keep Node running by itself: once
  // stdin ended, nothing might, and the process would exit 0 at once with
  // the queued requests never answered. From EOF or stop() on, this (ref'd)
  // timer keeps it alive for up to shutdownTimeoutMs; then the conversation
  // ends with an ErrorResponse.
  let shutdownTimer: NodeJS.Timeout | undefined;
  const startShutdownTimer = (why: string): void => {
    if (shutdownTimer !== undefined) return;
    shutdownTimer = setTimeout(() => {
      const error = new ShutdownTimeoutError(why, shutdownTimeoutMs, options.optionNames);
      logger.error(error.message, { ...fields, code: error.code });
      connection.agent.close(error);
      // The ErrorResponse may not flush (Kapacitor stopped reading): end anyway.
      graceTimer = setTimeout(() => failFlush(error), FATAL_FLUSH_GRACE_MS);
    }, shutdownTimeoutMs);
  };
  const onStdinEnd = (): void => startShutdownTimer('its input ended');
  process.stdin.once('end', onStdinEnd);

  const cleanup = (): void => {
    if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    process.stdin.off('end', onStdinEnd);
    process.stdout.off('error', onStdoutError);
    guard.restore();
  };

  const done = Promise.race([connection.done, flushGiveUp]).then(cleanup, (err: unknown) => {
    cleanup();
    throw err;
  });

  return {
    done,
    stop: (why = 'stop() was called') => {
      startShutdownTimer(why);
      connection.agent.close();
    },
    close: (reason?: Error) => connection.agent.close(reason),
    stats: async () => ({
      connections: registry?.snapshots() ?? [],
      server: { openConnections: registry?.openCount ?? 0, connections: 1, partialFrameBytes: 0, workerRestarts: 0 },
    }),
  };
}
