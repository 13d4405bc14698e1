import { type BeginBatch, type EndBatch, OnBeginBatch, OnEndBatch, OnPoint, Option, type Point, Udf } from '@kapacitor-udf/decorators';
import { withField } from './with-field';

/**
 * The guide's "change the mirror UDF to work on batches": every batch goes
 * back whole, in order (BeginBatch, its points, EndBatch), as it arrives.
 * `.field(name, value)` sets that double field on every point, as in `mirror`.
 */
@Udf({
  name: 'mirrorBatch',
  wants: 'batch',
  provides: 'batch',
  description: 'Sends every batch back whole; .field(name, value) sets that double field on each point.',
})
export class MirrorBatch {
  @Option({ types: ['string', 'double'], description: 'a double field (name, value) to set on every point' })
  field?: [string, number];

  @OnBeginBatch()
  begin(b: BeginBatch): BeginBatch {
    return b;
  }

  @OnPoint()
  point(p: Point): Point {
    return withField(p, this.field);
  }

  @OnEndBatch()
  end(e: EndBatch): EndBatch {
    return e;
  }
}
