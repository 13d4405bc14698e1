/**
 * @kapacitor-udf/decorators: describe a Kapacitor UDF as a decorated class.
 */
export type { BeginBatch, EndBatch, Point, FieldValues, BatchBounds } from '@kapacitor-udf/core';
// The point helpers, so a UDF module imports everything from one package.
export { numericField, pointFromBatch, replaceFields, withFields } from '@kapacitor-udf/core';

export { Udf } from './udf';
export { Option } from './option';
export type { OptionValueOf } from './option-type';
export type { HandlerSignatures, RestoreResult } from './handler-signatures';
export { ValidateWith } from './validate-with';
export { State } from './state';
export { OnInit, OnPoint, OnBeginBatch, OnEndBatch, OnBatch, OnSnapshot, OnRestore, OnStop } from './handlers';
export { Duration } from './duration';
export type { UdfContext } from './context';
export type { Batch } from './batch';
export type {
  EdgeName,
  ValueTypeName,
  UdfConfig,
  OptionConfig,
  OptionConfigBase,
  PropertyValidator,
  SingleOptionConfig,
  TupleOptionConfig,
  FlagOptionConfig,
  InferredOptionConfig,
  OptionShape,
  OptionDefinition,
  HandlerKind,
  UdfDefinition,
} from './definition';
export { getUdfDefinition, isUdfClass, type UdfClass } from './metadata';
export { toInfoResponse } from './info';
export { describeUdf, formatDescription, type UdfDescription, type OptionDescription } from './describe';
export { createHandler, type CreateHandlerOptions } from './create-handler';
export { UdfError, BatchOrderError } from '@kapacitor-udf/core';
export { DEFAULT_MAX_BATCH_POINTS, DEFAULT_MAX_BATCH_SIZE } from './batch-limits';
export {
  UdfDefinitionError,
  type UdfDefinitionErrorCode,
  UdfRuntimeError,
  type UdfRuntimeErrorCode,
} from './errors';
