import { type ErrorPolicy, getUdfDefinition } from '@kapacitor-udf/decorators';
import { type ConnectionSnapshot, type ServerSnapshot, StatsRegistry } from './connection-stats';
import { ShutdownTimeoutError } from './errors';
import { errorFields } from './field-logger';
import { checkServeOptions, checkTimerMs, DEFAULT_SHUTDOWN_TIMEOUT_MS, resolveLogger, type ServeOptions } from './options';
import { guardStdout, type StdoutGuard } from './stdout-guard';
import { assertUdfClass, type UdfClass } from './udf-class';
import { startConnection } from './udf-connection';

export interface StdioOptions extends ServeOptions {
  /**
   * Exit the process when the conversation ends (default true), as Kapacitor
   * expects from a process UDF: code 0 after a clean end (input EOF, all
   * output flushed), 1 after a fatal error (ErrorResponse sent and flushed).
   * With `false`, `done` settles and the caller decides.
   */
  exit?: boolean;
  /**
   * A guard already installed with `guardStdout()`, for programs that must
   * keep stdout clean from before the UDF is even loaded (udf-run installs
   * one before importing user modules, which may print at import time).
   */
  stdoutGuard?: StdoutGuard;
  /**
   * After EOF or SIGTERM/SIGINT, how long pending handlers may take before
   * the conversation ends with an ErrorResponse and exit 1 (default 10 s).
   */
  shutdownTimeoutMs?: number;
  /** Count the conversation's traffic, for `stats()` (udf-run's --stats-interval, --metrics). */
  stats?: boolean;
  /** Overrides the class's `@Udf({ onError })` (udf-run's --on-error). */
  onError?: ErrorPolicy;
}

export interface StdioServer {
  /** Resolves after a clean end (EOF, output flushed); rejects with the error that ended it. */
  readonly done: Promise<void>;
  /** Ends the conversation from outside (the agent sends an ErrorResponse when a reason is given). */
  close(reason?: Error): void;
  /** The conversation's counts (empty without the `stats` option). */
  stats(): Promise<{ connections: ConnectionSnapshot[]; server: ServerSnapshot }>;
}

/** How long a fatal error may take to flush its ErrorResponse before the process exits anyway. */
const FATAL_EXIT_GRACE_MS = 2000;

/**
 * Runs `cls` as a process UDF: requests on stdin, responses on stdout.
 * Nothing else reaches stdout while it runs (see guardStdout).
 */
export function serveStdio(cls: UdfClass, options: StdioOptions = {}): StdioServer {
  assertUdfClass(cls);
  checkServeOptions(options);
  const logger = resolveLogger(options);
  const exit = options.exit ?? true;
  checkTimerMs('shutdownTimeoutMs', options.shutdownTimeoutMs);
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
  });
  if (stats !== undefined) void connection.done.catch(() => undefined).then(() => registry?.close(stats));

  // Kapacitor closing our stdout (EPIPE) must end the conversation, not crash
  // the process with an unhandled 'error' event.
  const onStdoutError = (err: Error): void => connection.agent.close(err);
  process.stdout.on('error', onStdoutError);

  // A pending handler promise does not keep Node running by itself: once
  // stdin ended, nothing might, and the process would exit 0 at once with
  // the queued requests never answered. From EOF or a signal on, this
  // (ref'd) timer keeps it alive for up to shutdownTimeoutMs; then the
  // conversation ends with an ErrorResponse and the process exits 1.
  let shutdownTimer: NodeJS.Timeout | undefined;
  const startShutdownTimer = (why: string): void => {
    if (shutdownTimer !== undefined) return;
    shutdownTimer = setTimeout(() => {
      const error = new ShutdownTimeoutError(why, shutdownTimeoutMs);
      logger.error(error.message, { ...fields, code: error.code });
      connection.agent.close(error);
      // The ErrorResponse may not flush (Kapacitor stopped reading): exit anyway.
      if (exit) setTimeout(() => process.exit(1), FATAL_EXIT_GRACE_MS);
    }, shutdownTimeoutMs);
  };
  const onStdinEnd = (): void => startShutdownTimer('its input ended');
  process.stdin.once('end', onStdinEnd);

  const cleanup = (): void => {
    if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
    process.stdin.off('end', onStdinEnd);
    process.stdout.off('error', onStdoutError);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    guard.restore();
  };

  // A signal's default action kills the process with output still sitting in
  // the agent's write buffer. Stop like an EOF instead: the handler's stop()
  // runs and everything produced so far is flushed before we exit (0, as the
  // socket server does). A second signal, or a flush that hangs, exits at once.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info(`received ${signal}: stopping, flushing pending output, then exiting`, fields);
    startShutdownTimer(`received ${signal}`);
    connection.agent.close();
  };

  // When we own the process, an error thrown outside any handler call (a
  // user's timer, a forgotten promise) is fatal for this conversation too:
  // tell Kapacitor through an ErrorResponse rather than dying silently.
  const onUncaught = (err: unknown): void => {
    logger.error('uncaught error in UDF code', { ...fields, ...errorFields(err) });
    connection.agent.close(err instanceof Error ? err : new Error(String(err)));
    setTimeout(() => process.exit(1), FATAL_EXIT_GRACE_MS).unref();
  };
  if (exit) {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  const done = connection.done.then(
    () => {
      cleanup();
      if (exit) process.exit(0);
    },
    (err: unknown) => {
      cleanup();
      if (exit) {
        logger.error('exiting after a fatal error', { ...fields, ...errorFields(err) });
        process.exit(1);
      }
      throw err;
    },
  );
  if (exit) done.catch(() => undefined);

  return {
    done,
    close: (reason?: Error) => connection.agent.close(reason),
    stats: async () => ({
      connections: registry?.snapshots() ?? [],
      server: { openConnections: registry?.openCount ?? 0, connections: 1, partialFrameBytes: 0, workerRestarts: 0 },
    }),
  };
}
