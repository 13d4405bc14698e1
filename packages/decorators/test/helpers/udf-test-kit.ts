/**
 * What the decorators tests import: the package under test plus the core
 * enums used to check responses.
 */
export * from '@kapacitor-udf/decorators';
export { EdgeType, ValueType } from '@kapacitor-udf/core';
