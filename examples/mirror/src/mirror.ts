import { OnPoint, Option, type Point, Udf } from '@kapacitor-udf/decorators';
import { withField } from './with-field';

/**
 * Kapacitor's socket-UDF guide, in TypeScript: every point goes back
 * unchanged, and with `.field(name, value)` that double field is set on it.
 *
 * ```
 * @mirror()
 *     .field('mycustom_field', 42.0)
 * ```
 */
@Udf({
  name: 'mirror',
  wants: 'stream',
  provides: 'stream',
  description: 'Sends every point back; .field(name, value) sets that double field on each one.',
})
export class Mirror {
  @Option({ types: ['string', 'double'], description: 'a double field (name, value) to set on every point' })
  field?: [string, number];

  @OnPoint()
  point(p: Point): Point {
    return withField(p, this.field);
  }
}
