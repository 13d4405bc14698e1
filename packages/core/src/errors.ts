/**
 * Error classes of the core package, and `UdfError`, the base class of every
 * error the kapacitor-udf packages throw. Every error carries a typed string
 * `code` so callers can branch on it without parsing messages.
 */

import { nameOption, type OptionNames } from './option-names';

/**
 * The base class of every kapacitor-udf error (core, decorators, transports,
 * cli, testing): `err instanceof UdfError` tells ours from anything else, and
 * `code` (one per condition, typed by each subclass) says which it is.
 */
export abstract class UdfError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Codes of {@link ProtocolError}. */
export type ProtocolErrorCode =
  | 'ERR_VARINT_TOO_LONG'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_TRUNCATED_FRAME'
  | 'ERR_INVALID_MESSAGE'
  /** A request holds more entries (fields, tags, dimensions) than maxMessageEntries. */
  | 'ERR_TOO_MANY_ENTRIES';

/**
 * The bytes received do not follow the protocol (bad framing or a malformed
 * protobuf body). `offset` is the byte position where the problem was found:
 * in the input stream for framing errors and for errors the Agent reports,
 * in the decoded body when thrown by a `decode*` function called directly.
 */
export class ProtocolError extends UdfError<ProtocolErrorCode> {
  readonly offset: number;

  constructor(code: ProtocolErrorCode, message: string, offset: number) {
    super(code, message);
    this.offset = offset;
  }
}

/**
 * A BeginBatch while a batch is already open, or an EndBatch with no open
 * batch. Kapacitor would crash or wedge on such output, so it is never sent.
 */
export class BatchOrderError extends UdfError<'ERR_BATCH_ORDER'> {
  constructor(message: string) {
    super('ERR_BATCH_ORDER', message);
  }
}

/** The request kinds the Agent hands to a handler. */
export type RequestKind = 'info' | 'init' | 'snapshot' | 'restore' | 'begin' | 'point' | 'end' | 'stop';

/** A handler method threw or its promise rejected; `cause` is what it threw. */
export class HandlerError extends UdfError<'ERR_HANDLER_FAILED'> {
  readonly requestKind: RequestKind;

  constructor(requestKind: RequestKind, cause: unknown) {
    super('ERR_HANDLER_FAILED', `${requestKind} handler failed: ${describeError(cause)}`, { cause });
    this.requestKind = requestKind;
  }
}

/** A handler promise did not settle within `handlerTimeoutMs`. */
export class HandlerTimeoutError extends UdfError<'ERR_HANDLER_TIMEOUT'> {
  readonly requestKind: RequestKind;
  readonly timeoutMs: number;

  constructor(requestKind: RequestKind, timeoutMs: number) {
    super(
      'ERR_HANDLER_TIMEOUT',
      `${requestKind} handler did not finish within ${timeoutMs} ms ` +
        `(raise handlerTimeoutMs, or 0 to disable the limit, if it legitimately takes longer)`,
    );
    this.requestKind = requestKind;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The peer ended its input (a task stop, or a peer that read everything and
 * closed) and the conversation had not finished `drainTimeoutMs` later: a
 * handler that never settles, or responses nobody reads. Without this bound
 * such a connection (its fd, its UDF instance) was held forever.
 */
export class DrainTimeoutError extends UdfError<'ERR_DRAIN_TIMEOUT'> {
  constructor(
    readonly timeoutMs: number,
    readonly pendingKind: RequestKind | null,
    readonly waiting: number,
    names?: OptionNames,
  ) {
    super(
      'ERR_DRAIN_TIMEOUT',
      `the peer ended its input ${timeoutMs} ms ago and ` +
        (pendingKind === null
          ? 'the responses since were not read'
          : `the ${pendingKind} handler has still not finished (${waiting} request${waiting === 1 ? '' : 's'} waiting behind it)`) +
        `: the connection is closed; raise ${nameOption(names, 'drainTimeoutMs')} if handlers legitimately take that long ` +
        `after a task stops, and set ${nameOption(names, 'handlerTimeoutMs')} so a handler that never finishes fails the task while it runs`,
    );
  }
}

/**
 * The output stream failed or was closed by the peer (EPIPE, ECONNRESET...)
 * before the agent finished writing.
 */
export class OutputClosedError extends UdfError<'ERR_OUTPUT_CLOSED'> {
  constructor(message: string, cause?: unknown) {
    super('ERR_OUTPUT_CLOSED', message, cause === undefined ? undefined : { cause });
  }
}

/** The input stream failed, or closed without a clean end. */
export class InputError extends UdfError<'ERR_INPUT_FAILED'> {
  constructor(message: string, cause?: unknown) {
    super('ERR_INPUT_FAILED', message, cause === undefined ? undefined : { cause });
  }
}

/** Codes of {@link InputLimitError}. */
export type InputLimitErrorCode = 'ERR_PARTIAL_FRAMES_BUDGET' | 'ERR_FRAME_TIMEOUT';

/**
 * The input would exceed a memory or time limit on partially received
 * frames (see FrameBudget): this conversation ends, others go on.
 */
export class InputLimitError extends UdfError<InputLimitErrorCode> {}

/**
 * The connections of a thread together held more than their retained-memory
 * budget (see MemoryBudget), and this one held the most: it ends, the others
 * go on.
 */
export class MemoryBudgetError extends UdfError<'ERR_RETAINED_MEMORY_BUDGET'> {
  constructor(message: string) {
    super('ERR_RETAINED_MEMORY_BUDGET', message);
  }
}

/**
 * A SnapshotResponse this UDF could not take back: Kapacitor returns the
 * bytes in a RestoreRequest, which would be larger than maxMessageSize and
 * refused at every restart of the task. Refused when the snapshot is taken.
 */
export class SnapshotTooLargeError extends UdfError<'ERR_SNAPSHOT_TOO_LARGE'> {
  constructor(
    readonly snapshotBytes: number,
    readonly restoreBytes: number,
    readonly maxMessageSize: number,
    names?: OptionNames,
  ) {
    super(
      'ERR_SNAPSHOT_TOO_LARGE',
      `the snapshot is ${snapshotBytes} bytes: the RestoreRequest carrying it back after a restart would be ${restoreBytes} bytes, ` +
        `more than the ${maxMessageSize} bytes a request may have (maxMessageSize), so this UDF could not restore it; ` +
        `raise ${nameOption(names, 'maxMessageSize')} to at least ${restoreBytes} bytes ` +
        `(and ${nameOption(names, 'maxPartialFramesSize')} with it), or keep less state`,
    );
  }
}

/** A value of the wrong type was given to an encoder (e.g. a number where int64 needs a bigint). */
export class EncodeError extends UdfError<'ERR_INVALID_VALUE'> {
  constructor(message: string) {
    super('ERR_INVALID_VALUE', message);
  }
}

/**
 * The message of anything thrown, for logs and for responses sent to
 * Kapacitor: an error's `message` (else its `name`), a string as is, anything
 * else as JSON; never empty. Errors are recognised by shape, not `instanceof Error`:
 * errors from another realm (node:v8's DataCloneError, vm contexts, jest
 * sandboxes) are not instances of this realm's Error.
 */
export function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { message, name } = err as { message?: unknown; name?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    // [object Error] also for errors of other realms.
    if (Object.prototype.toString.call(err) === '[object Error]' && typeof name === 'string' && name !== '') return name;
  }
  let text: string;
  if (typeof err === 'string') {
    text = err;
  } else {
    try {
      text = JSON.stringify(err) ?? String(err);
    } catch {
      text = String(err);
    }
  }
  // An empty reason would read as success in an InitResponse or RestoreResponse.
  return text === '' ? 'unknown error' : text;
}
