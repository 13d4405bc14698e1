/**
 * What the decorators tests import: the package under test plus the core
 * enums used to check responses.
 */

export { EdgeType, ValueType } from '@kapacitor-udf/core';
export * from '@kapacitor-udf/decorators';
