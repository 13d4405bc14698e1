/**
 * Error classes of the decorators package. Each extends core's `UdfError`
 * with a typed `code` so callers can branch on it, and a message that says
 * what to change.
 */
import { UdfError } from '@kapacitor-udf/core';

/** Codes of {@link UdfDefinitionError}: a UDF class is declared wrongly. */
export type UdfDefinitionErrorCode =
  | 'ERR_NOT_A_UDF_CLASS'
  | 'ERR_UDF_CONFIG'
  | 'ERR_DUPLICATE_UDF_DECORATOR'
  | 'ERR_DECORATOR_PLACEMENT'
  | 'ERR_OPTION_NO_TYPE'
  | 'ERR_OPTION_CONFLICTING_SHAPE'
  | 'ERR_OPTION_INVALID'
  | 'ERR_DUPLICATE_OPTION'
  | 'ERR_OPTION_IS_STATE'
  | 'ERR_DUPLICATE_HANDLER'
  | 'ERR_BATCH_HANDLER_ON_STREAM'
  | 'ERR_HANDLER_CONFLICT'
  | 'ERR_NO_DATA_HANDLER'
  | 'ERR_SNAPSHOT_RESTORE_PAIR'
  | 'ERR_STATE_WITH_CUSTOM_SNAPSHOT'
  | 'ERR_STATE_SHAPE';

/**
 * Thrown while a class is being decorated (or when a class that is not a UDF
 * is used as one). It is a programming error: the message names the class and
 * member and says how to fix the declaration.
 */
export class UdfDefinitionError extends UdfError<UdfDefinitionErrorCode> {}

/** Codes of {@link UdfRuntimeError}: a running UDF was used in a way it cannot honour. */
export type UdfRuntimeErrorCode =
  /** A point was emitted by a UDF that provides 'batch' while no output batch was open. */
  | 'ERR_POINT_OUTSIDE_BATCH'
  /** A batch was emitted by a UDF that provides 'stream'. */
  | 'ERR_BATCH_ON_STREAM_OUTPUT'
  /** A handler returned something that is not a point / batch message. */
  | 'ERR_INVALID_RESULT'
  /** Kapacitor sent data that does not fit the UDF's input edge or batch order. */
  | 'ERR_UNEXPECTED_INPUT'
  /** The UDF class could not be constructed. */
  | 'ERR_CONSTRUCTOR_FAILED'
  /** An input batch collected for @OnBatch exceeded maxBatchPoints or maxBatchSize. */
  | 'ERR_BATCH_TOO_LARGE'
  /** Data, Snapshot or Restore arrived before a successful Init. */
  | 'ERR_NOT_INITIALIZED'
  /** Under onError 'skip', a handler that should close the output batch failed with it open. */
  | 'ERR_OUTPUT_BATCH_LEFT_OPEN'
  /** createHandler was given an option it cannot use. */
  | 'ERR_INVALID_OPTION';

/**
 * Thrown by the running handler (and so turned into an ErrorResponse by the
 * core Agent) when emitting or input does not match the UDF's declaration.
 * (Output batches out of order are core's `BatchOrderError`, whichever
 * layer notices.)
 */
export class UdfRuntimeError extends UdfError<UdfRuntimeErrorCode> {}
