/**
 * Errors raised by the transports. Each extends core's `UdfError` with a
 * typed `code` so callers (the CLI, a user's own `main`) can react without
 * matching message text, and a message that says what to do about it. (A
 * value that is not a UDF class is the decorators' `UdfDefinitionError`
 * `ERR_NOT_A_UDF_CLASS`, as everywhere else.)
 */
import { type OptionNames, UdfError } from '@kapacitor-udf/core';
import { nameOption } from '@kapacitor-udf/core/internal';

/** Codes of {@link TransportError}. */
export type TransportErrorCode =
  | 'ERR_SOCKET_IN_USE'
  | 'ERR_SOCKET_PATH_NOT_SOCKET'
  | 'ERR_SOCKET_PATH_NOT_WRITABLE'
  | 'ERR_INVALID_TRANSPORT_OPTION'
  | 'ERR_WORKER_START_FAILED'
  | 'ERR_SHUTDOWN_TIMEOUT';

export abstract class TransportError extends UdfError<TransportErrorCode> {}

/** Another live process is accepting connections on the socket path. */
export class SocketInUseError extends TransportError {
  readonly path: string;
  constructor(path: string) {
    super('ERR_SOCKET_IN_USE', `another server is listening on ${path}: stop it first or choose another path`);
    this.path = path;
  }
}

/** The socket path exists but is not a unix socket (a regular file, a directory, a symlink...). */
export class SocketPathNotSocketError extends TransportError {
  readonly path: string;
  constructor(path: string, kind: string) {
    super(
      'ERR_SOCKET_PATH_NOT_SOCKET',
      `${path} exists and is ${kind}, not a unix socket: it was left untouched; remove it yourself or choose another path`,
    );
    this.path = path;
  }
}

/** The socket cannot be created at the path (missing directory, no permission, path too long). */
export class SocketPathNotWritableError extends TransportError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('ERR_SOCKET_PATH_NOT_WRITABLE', `cannot create a unix socket at ${path}: ${reason}`);
    this.path = path;
  }
}

/** An option value given to a transport is out of range. */
export class InvalidTransportOptionError extends TransportError {
  constructor(message: string) {
    super('ERR_INVALID_TRANSPORT_OPTION', message);
  }
}

/** A worker thread (serveSocket `workers`) could not load the UDF class. */
export class WorkerStartError extends TransportError {
  constructor(className: string, module: string, reason: string) {
    super(
      'ERR_WORKER_START_FAILED',
      `a worker thread could not load the UDF class ${className} from ${module}: ${reason} ` +
        '(workers load the class themselves: module and exportName must name the file and export that hold it)',
    );
  }
}

/** A process UDF stopping (input ended, SIGTERM) whose pending handlers did not finish in time. */
export class ShutdownTimeoutError extends TransportError {
  readonly timeoutMs: number;
  constructor(why: string, timeoutMs: number, names?: OptionNames) {
    super(
      'ERR_SHUTDOWN_TIMEOUT',
      `the UDF is stopping (${why}) and its pending handlers did not finish within ${timeoutMs} ms; ` +
        `the requests still queued were not handled. Raise ${nameOption(names, 'shutdownTimeoutMs')} if they legitimately take longer`,
    );
    this.timeoutMs = timeoutMs;
  }
}
