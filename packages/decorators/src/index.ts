/**
 * @kapacitor-udf/decorators: describe a Kapacitor UDF as a decorated class.
 */
export type { BatchBounds, BeginBatch, EndBatch, FieldValues, Point } from '@kapacitor-udf/core';
// The point helpers, so a UDF module imports everything from one package.
export { BatchOrderError, numericField, pointFromBatch, replaceFields, UdfError, withFields } from '@kapacitor-udf/core';
export type { Batch } from './batch';
export { DEFAULT_MAX_BATCH_POINTS, DEFAULT_MAX_BATCH_SIZE } from './batch-limits';
export { MaxBigInt, MinBigInt } from './bigint-validators';
export type { UdfContext } from './context';
export { type CreateHandlerOptions, createHandler } from './create-handler';
export type {
  EdgeName,
  ErrorPolicy,
  FlagOptionConfig,
  HandlerKind,
  InferredOptionConfig,
  OptionConfig,
  OptionConfigBase,
  OptionDefinition,
  OptionShape,
  PropertyValidator,
  SingleOptionConfig,
  TupleOptionConfig,
  UdfConfig,
  UdfDefinition,
  ValueTypeName,
} from './definition';
export { ERROR_POLICIES } from './definition';
export { describeUdf, formatDescription, type OptionDescription, type UdfDescription } from './describe';
export { Duration } from './duration';
export {
  UdfDefinitionError,
  type UdfDefinitionErrorCode,
  UdfRuntimeError,
  type UdfRuntimeErrorCode,
} from './errors';
export type { HandlerSignatures, RestoreResult } from './handler-signatures';
export { OnBatch, OnBeginBatch, OnEndBatch, OnInit, OnPoint, OnRestore, OnSnapshot, OnStop } from './handlers';
export { toInfoResponse } from './info';
export { getUdfDefinition, isUdfClass, type UdfClass } from './metadata';
export { Option } from './option';
export type { OptionValueOf } from './option-type';
export { State, type StateOptions } from './state';
export { Udf } from './udf';
export { ValidateWith } from './validate-with';
