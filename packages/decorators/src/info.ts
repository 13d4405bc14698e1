import { EdgeType, type InfoResponse, type OptionInfo, ValueType } from '@kapacitor-udf/core';
import type { EdgeName, UdfDefinition, ValueTypeName } from './definition';
import { getUdfDefinition, type UdfClass } from './metadata';

const EDGE: Readonly<Record<EdgeName, EdgeType>> = { stream: EdgeType.STREAM, batch: EdgeType.BATCH };

const VALUE: Readonly<Record<ValueTypeName, ValueType>> = {
  bool: ValueType.BOOL,
  int: ValueType.INT,
  double: ValueType.DOUBLE,
  string: ValueType.STRING,
  duration: ValueType.DURATION,
};

/** The InfoResponse for a definition (a fresh object each call). */
export function definitionToInfoResponse(definition: UdfDefinition): InfoResponse {
  const options: { [name: string]: OptionInfo } = {};
  for (const option of definition.options) {
    // A flag has no value types: TICKscript calls it as `.flag()`.
    options[option.name] = { valueTypes: option.valueTypes.map((t) => VALUE[t]) };
  }
  return { wants: EDGE[definition.wants], provides: EDGE[definition.provides], options };
}

/** What the UDF tells Kapacitor about itself: edges and options with their value types. */
export function toInfoResponse(cls: UdfClass): InfoResponse {
  return definitionToInfoResponse(getUdfDefinition(cls));
}
