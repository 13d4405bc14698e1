// packages/decorators/README.md: "Points".
import { OnBatch, Option, Udf, numericField, pointFromBatch, type Batch, type Point } from '@kapacitor-udf/decorators';

@Udf({ wants: 'batch', provides: 'stream' })
class BatchMean {
  @Option({ type: 'string' }) field = 'value';

  @OnBatch()
  batch(b: Batch): Point {
    const values = b.points.map((p) => numericField(p, this.field)).filter((v) => v !== undefined);
    return pointFromBatch(b, { mean: values.reduce((a, v) => a + v, 0) / values.length });
  }
}

export { BatchMean };
