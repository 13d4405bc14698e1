/**
 * @kapacitor-udf/decorators: describe a Kapacitor UDF as a decorated class.
 */
export type { BeginBatch, EndBatch, Point } from '@kapacitor-udf/core';

export { Udf } from './udf';
export { Option } from './option';
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
  SingleOptionConfig,
  TupleOptionConfig,
  FlagOptionConfig,
  OptionShape,
  OptionDefinition,
  HandlerKind,
  UdfDefinition,
} from './definition';
export { getUdfDefinition, isUdfClass, DEFINITION_KEY, type UdfClass } from './metadata';
export { toInfoResponse } from './info';
export { describeUdf, formatDescription, type UdfDescription, type OptionDescription } from './describe';
export { createHandler, type CreateHandlerOptions } from './create-handler';
export { DEFAULT_MAX_BATCH_POINTS, DEFAULT_MAX_BATCH_SIZE } from './batch-limits';
export {
  UdfDefinitionError,
  type UdfDefinitionErrorCode,
  UdfRuntimeError,
  type UdfRuntimeErrorCode,
} from './errors';
