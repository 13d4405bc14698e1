/**
 * Error classes of the core package. Every error carries a string `code` so
 * callers can branch on it without parsing messages.
 */

/** Codes of {@link ProtocolError}. */
export type ProtocolErrorCode =
  | 'ERR_VARINT_TOO_LONG'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_TRUNCATED_FRAME'
  | 'ERR_INVALID_MESSAGE';

/**
 * The bytes received do not follow the protocol (bad framing or a malformed
 * protobuf body). `offset` is the byte position where the problem was found:
 * in the input stream for framing errors and for errors the Agent reports,
 * in the decoded body when thrown by a `decode*` function called directly.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly offset: number;

  constructor(code: ProtocolErrorCode, message: string, offset: number) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.offset = offset;
  }
}

/**
 * A BeginBatch while a batch is already open, or an EndBatch with no open
 * batch. Kapacitor would crash or wedge on such output, so it is never sent.
 */
export class BatchOrderError extends Error {
  readonly code = 'ERR_BATCH_ORDER' as const;

  constructor(message: string) {
    super(message);
    this.name = 'BatchOrderError';
  }
}

/** The request kinds the Agent hands to a handler. */
export type RequestKind =
  | 'info'
  | 'init'
  | 'snapshot'
  | 'restore'
  | 'begin'
  | 'point'
  | 'end'
  | 'stop';

/** A handler method threw or its promise rejected; `cause` is what it threw. */
export class HandlerError extends Error {
  readonly code = 'ERR_HANDLER_FAILED' as const;
  readonly requestKind: RequestKind;

  constructor(requestKind: RequestKind, cause: unknown) {
    super(`${requestKind} handler failed: ${describeError(cause)}`, { cause });
    this.name = 'HandlerError';
    this.requestKind = requestKind;
  }
}

/** A handler promise did not settle within `handlerTimeoutMs`. */
export class HandlerTimeoutError extends Error {
  readonly code = 'ERR_HANDLER_TIMEOUT' as const;
  readonly requestKind: RequestKind;
  readonly timeoutMs: number;

  constructor(requestKind: RequestKind, timeoutMs: number) {
    super(
      `${requestKind} handler did not finish within ${timeoutMs} ms ` +
        `(raise handlerTimeoutMs, or 0 to disable the limit, if it legitimately takes longer)`,
    );
    this.name = 'HandlerTimeoutError';
    this.requestKind = requestKind;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The output stream failed or was closed by the peer (EPIPE, ECONNRESET...)
 * before the agent finished writing.
 */
export class OutputClosedError extends Error {
  readonly code = 'ERR_OUTPUT_CLOSED' as const;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'OutputClosedError';
  }
}

/** The input stream failed, or closed without a clean end. */
export class InputError extends Error {
  readonly code = 'ERR_INPUT_FAILED' as const;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'InputError';
  }
}

/** Codes of {@link InputLimitError}. */
export type InputLimitErrorCode = 'ERR_PARTIAL_FRAMES_BUDGET' | 'ERR_FRAME_TIMEOUT';

/**
 * The input would exceed a memory or time limit on partially received
 * frames (see FrameBudget): this conversation ends, others go on.
 */
export class InputLimitError extends Error {
  readonly code: InputLimitErrorCode;

  constructor(code: InputLimitErrorCode, message: string) {
    super(message);
    this.name = 'InputLimitError';
    this.code = code;
  }
}

/** A value of the wrong type was given to an encoder (e.g. a number where int64 needs a bigint). */
export class EncodeError extends TypeError {
  readonly code = 'ERR_INVALID_VALUE' as const;

  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** `String(err.message)` for Errors, a readable rendering of anything else thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
