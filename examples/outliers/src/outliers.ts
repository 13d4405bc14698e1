import { type Batch, numericField, OnBatch, Option, type Point, Udf } from '@kapacitor-udf/decorators';
import { Min } from 'class-validator';
import { tukeyFences } from './tukey-fences';

/**
 * The points of each batch whose field lies outside Tukey's fences, as in
 * Kapacitor's outliers example:
 *
 * ```
 * @outliers()
 *     .field('value')
 *     .scale(1.5)
 * ```
 *
 * Every input batch gives one output batch: its BeginBatch with `size` set to
 * the number of outliers, the outlier points unchanged (in input order), and
 * its EndBatch.
 */
@Udf({
  name: 'outliers',
  wants: 'batch',
  provides: 'batch',
  description: 'The points of each batch outside Q1 - scale*IQR .. Q3 + scale*IQR of a field.',
})
export class Outliers {
  @Option({ type: 'string', required: true, description: 'the field to test (double or integer)' })
  field!: string;

  @Option({ type: 'double', validate: [Min(1)], description: 'how many IQRs beyond the quartiles a value must lie (>= 1.0)' })
  scale = 1.5;

  @OnBatch()
  batch(b: Batch): Batch {
    const outliers = this.outliersOf(b.points);
    return { begin: { ...b.begin, size: BigInt(outliers.length) }, points: outliers, end: b.end };
  }

  /** Points without the field take no part: they are neither measured nor returned. */
  private outliersOf(points: readonly Point[]): Point[] {
    // Values in a typed array: sorted natively (no comparator calls), no
    // per-point objects. values[i] belongs to points[i] (NaN = not measured).
    const n = points.length;
    const values = new Float64Array(n);
    const sorted = new Float64Array(n);
    let measured = 0;
    for (let i = 0; i < n; i++) {
      const value = numericField(points[i], this.field);
      // NaN has no place in an order: such values are left out like missing ones.
      if (value === undefined || Number.isNaN(value)) {
        values[i] = NaN;
      } else {
        values[i] = value;
        sorted[measured++] = value;
      }
    }
    const fences = tukeyFences(sorted.subarray(0, measured).sort(), this.scale);
    if (fences === undefined) return [];
    const outliers: Point[] = [];
    // NaN compares false both ways: unmeasured points are never outliers.
    for (let i = 0; i < n; i++) if (values[i] < fences.lower || values[i] > fences.upper) outliers.push(points[i]);
    return outliers;
  }
}
