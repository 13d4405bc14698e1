/**
 * Errors of the testing kit. Each extends core's `UdfError` with a typed
 * `code`; messages say what happened on the wire and what to change. (A
 * field value the builders cannot type is core's `EncodeError`
 * `ERR_INVALID_VALUE`, as in the point helpers.)
 */
import { UdfError } from '@kapacitor-udf/core';
export type HarnessErrorCode =
  /** A TICKscript-style option the UDF does not declare. */
  | 'ERR_UNKNOWN_OPTION'
  /** An option value that does not fit the option's declared types. */
  | 'ERR_OPTION_VALUE'
  /** A time the builders cannot turn into nanoseconds. */
  | 'ERR_INVALID_TIME'
  /** The UDF answered with an ErrorResponse. */
  | 'ERR_UDF_ERROR'
  /** The UDF sent something Kapacitor would reject or crash on. */
  | 'ERR_PROTOCOL_VIOLATION'
  /** The UDF closed its output (or exited) while an answer was still expected. */
  | 'ERR_UDF_CLOSED'
  /** The spawned UDF process exited with a failure status. */
  | 'ERR_UDF_EXIT'
  /** `UdfHarness.create(..., { options })` got an InitResponse with success=false. */
  | 'ERR_INIT_FAILED'
  /** The `udf-run` binary could not be found or started. */
  | 'ERR_UDF_RUN_NOT_FOUND'
  /** A request was sent after `close()`. */
  | 'ERR_CLOSED'
  /** A WirePeer waited longer than its timeout for the UDF's output. */
  | 'ERR_TIMEOUT';

export class HarnessError extends UdfError<HarnessErrorCode> {}
