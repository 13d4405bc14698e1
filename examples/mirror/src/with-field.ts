import { type Point, withFields } from '@kapacitor-udf/decorators';

/**
 * The point with the double field `[name, value]` set, or the point itself
 * when no field was configured (shared by `mirror` and `mirrorBatch`).
 * `withFields` copies the map it changes, so the input point stays what
 * Kapacitor sent.
 */
export function withField(p: Point, field: [string, number] | undefined): Point {
  if (field === undefined) return p;
  const [name, value] = field;
  return withFields(p, { [name]: value });
}
