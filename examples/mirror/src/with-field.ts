import type { Point } from '@kapacitor-udf/decorators';

/**
 * The point with the double field `[name, value]` set, or the point itself
 * when no field was configured. A new map rather than a mutation, so the
 * input point stays what Kapacitor sent.
 */
export function withField(p: Point, field: [string, number] | undefined): Point {
  if (field === undefined) return p;
  const [name, value] = field;
  return { ...p, fieldsDouble: { ...p.fieldsDouble, [name]: value } };
}
