import { isUdfClass } from '@kapacitor-udf/decorators';
import { NotAUdfClassError } from './errors';

/** A class decorated with `@Udf` (checked at runtime with `isUdfClass`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UdfClass = new (...args: any[]) => object;

export function assertUdfClass(value: unknown): asserts value is UdfClass {
  if (!isUdfClass(value)) throw new NotAUdfClassError(value);
}
