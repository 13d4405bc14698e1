import { getUdfDefinition, type UdfClass } from '@kapacitor-udf/decorators';

export type { UdfClass };

/** Throws the decorators' `UdfDefinitionError` (`ERR_NOT_A_UDF_CLASS`, with a hint) for anything but a `@Udf` class. */
export function assertUdfClass(value: unknown): asserts value is UdfClass {
  getUdfDefinition(value);
}
