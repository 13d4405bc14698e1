import { getUdfDefinition, type UdfClass } from '@kapacitor-udf/decorators';

/** The name Kapacitor knows the UDF by: the `@Udf({ name })`, else the class name. */
export function udfNameOf(cls: UdfClass): string {
  return getUdfDefinition(cls).name;
}
