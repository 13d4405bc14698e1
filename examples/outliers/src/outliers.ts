import { OnBatch, Option, Udf, type Batch, type Point } from '@kapacitor-udf/decorators';
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

  @Option({ type: 'double', description: 'how many IQRs beyond the quartiles a value must lie (>= 1.0)' })
  @Min(1)
  scale = 1.5;

  @OnBatch()
  batch(b: Batch): Batch {
    const outliers = this.outliersOf(b.points);
    return { begin: { ...b.begin, size: BigInt(outliers.length) }, points: outliers, end: b.end };
  }

  /** Points without the field take no part: they are neither measured nor returned. */
  private outliersOf(points: readonly Point[]): Point[] {
    const measured: Array<{ point: Point; value: number }> = [];
    for (const point of points) {
      const value = fieldValue(point, this.field);
      // NaN has no place in an order: such values are left out like missing ones.
      if (value !== undefined && !Number.isNaN(value)) measured.push({ point, value });
    }
    const fences = tukeyFences(
      measured.map((m) => m.value).sort((a, b) => a - b),
      this.scale,
    );
    if (fences === undefined) return [];
    return measured.filter((m) => m.value < fences.lower || m.value > fences.upper).map((m) => m.point);
  }
}

function fieldValue(p: Point, field: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(p.fieldsDouble, field)) return p.fieldsDouble[field];
  if (Object.prototype.hasOwnProperty.call(p.fieldsInt, field)) return Number(p.fieldsInt[field]);
  return undefined;
}
