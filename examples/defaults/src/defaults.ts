import { OnPoint, type Point, Udf } from '@kapacitor-udf/decorators';
import { DefaultsOptions } from './defaults-options';
import { setDefaults } from './set-defaults';

/**
 * Kapacitor's DefaultNode as a stream UDF:
 *
 * ```
 * @defaults()
 *     .field('value', 0.0)
 *     .tag('host', 'unknown')
 * ```
 */
@Udf({
  name: 'defaults',
  wants: 'stream',
  provides: 'stream',
  description: 'Sets fields and tags on each point where they are absent (like the default node).',
})
export class Defaults extends DefaultsOptions {
  @OnPoint()
  point(p: Point): Point {
    return setDefaults(p, this.field, this.tag);
  }
}
