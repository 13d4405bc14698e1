import { getUdfDefinition } from '@kapacitor-udf/decorators';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UdfClass = new (...args: any[]) => object;

/** The name Kapacitor knows the UDF by: the `@Udf({ name })`, else the class name. */
export function udfNameOf(cls: UdfClass): string {
  return getUdfDefinition(cls).name;
}
