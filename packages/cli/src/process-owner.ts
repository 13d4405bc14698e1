/**
 * udf-run owns its process; the servers it starts never touch it (the
 * transports install no signal or uncaught-error handler and never exit, so
 * a program of its own can decide). This is the one place that does, with
 * one exit-code rule for both transports:
 *
 * - the server stops (a process UDF's input ends, or after a signal, below):
 *   exit 0 when it stopped cleanly (`done` resolved), 1 when it ended on an
 *   error (`done` rejected: an ErrorResponse was sent, or could not be);
 * - the first SIGTERM or SIGINT stops it gracefully (`stop`): pending work
 *   gets --shutdown-timeout, then the rule above. A process UDF whose
 *   handlers are cut by the timeout ends on an error (1); a socket server
 *   that cuts its remaining connections (each told with an ErrorResponse)
 *   has still stopped as asked (0);
 * - a second SIGTERM or SIGINT stops it at once (`destroy`: the socket file
 *   is removed) and exits 1;
 * - SIGHUP reloads the UDF's code (`reload`, socket servers); a server that
 *   cannot reload (a process UDF), or one stopping after a signal, logs that
 *   and goes on: SIGHUP's default action would end the process, and the
 *   task with it.
 *
 * An error thrown outside any handler call (a user's timer, a forgotten
 * promise) is `uncaught`: a process UDF serves one task, so it ends that
 * conversation (ErrorResponse, exit 1); a socket server logs it and keeps
 * serving, so one task's stray error never stops the others.
 */
import type { Logger } from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';

/** What the owner needs from a running server. */
export interface OwnedServer {
  /** Settles when the server has stopped: resolves after a clean stop, rejects after a fatal error. */
  readonly done: Promise<void>;
  /** A graceful stop; `why` says what asked for it. */
  stop(why: string): void;
  /** What stop() does, for the log line ("finishing open connections"). */
  readonly stopping: string;
  /** Stops at once; resolves when what must not be skipped (removing the socket file) is done. */
  destroy(): Promise<void>;
  /** `fatal`: an uncaught error ends the server (process UDF); `survive`: logged, the server goes on (socket server). */
  readonly uncaught: 'fatal' | 'survive';
  /** Ends the server with this error (only called for `uncaught: 'fatal'`). */
  fail(err: Error): void;
  /** Reloads the UDF's code for new connections (SIGHUP); unset: the server cannot. */
  reload?(why: string): void;
}

/** After a fatal error, how long the server may take to tell Kapacitor (flush an ErrorResponse) before exit 1 anyway. */
const FATAL_EXIT_GRACE_MS = 2000;

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Makes `server` the owner's: installs the handlers and exits the process by the rule above. */
export function ownProcess(server: OwnedServer, logger: Logger, fields: Record<string, unknown>): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      logger.info(`received ${signal}: ${server.stopping}`, fields);
      server.stop(`received ${signal}`);
      return;
    }
    logger.warn(`received ${signal} again: stopping at once (open connections are cut), exit 1`, fields);
    void server.destroy().finally(() => process.exit(1));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('SIGHUP', () => {
    // Once stopping, no new connection will ever run new code: a reload would
    // only load a module (and, with --workers, start threads) for nothing.
    if (signals > 0) logger.warn('SIGHUP ignored: the server is stopping (it reloads nothing while open connections finish)', fields);
    else if (server.reload !== undefined) server.reload('received SIGHUP');
    else logger.warn('SIGHUP ignored: reloading applies to socket UDFs (restart the task instead)', fields);
  });

  const onUncaught = (err: unknown): void => {
    if (server.uncaught === 'survive') {
      logger.error('uncaught error in UDF code (the server keeps running)', { ...fields, ...errorLogFields(err) });
      return;
    }
    logger.error('uncaught error in UDF code', { ...fields, ...errorLogFields(err) });
    server.fail(err instanceof Error ? err : new Error(describeError(err)));
    setTimeout(() => process.exit(1), FATAL_EXIT_GRACE_MS).unref();
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  server.done.then(
    // After a second signal the server may stop cleanly before destroy() is
    // through (it cut the connections): that is still a stop at once, exit 1.
    () => process.exit(signals > 1 ? 1 : 0),
    (err: unknown) => {
      logger.error('exiting after a fatal error', { ...fields, ...errorLogFields(err) });
      process.exit(1);
    },
  );
}

function errorLogFields(err: unknown): Record<string, unknown> {
  const code = (err as { code?: unknown } | null)?.code;
  return { error: describeError(err), ...(typeof code === 'string' ? { code } : {}) };
}
