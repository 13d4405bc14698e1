import { OnPoint, Option, State, Udf, type Point, type UdfContext } from '@kapacitor-udf/decorators';
import { IsNotEmpty, Min } from 'class-validator';

/**
 * The moving average of one field over the last `size` points of each group,
 * as in Kapacitor's moving_avg example:
 *
 * ```
 * @movingAvg()
 *     .field('value')
 *     .size(10)
 *     .as('mean')
 * ```
 *
 * Every input point gives one output point: same name, time, tags and group,
 * with a single double field (named by `as`) holding the average.
 */
@Udf({
  name: 'movingAvg',
  wants: 'stream',
  provides: 'stream',
  description: 'The average of a field over the last `size` points of each group.',
})
export class MovingAvg {
  @Option({ type: 'string', required: true, description: 'the field to average (double or integer)' })
  field!: string;

  @Option({ type: 'int', int: 'number', required: true, description: 'how many points the window holds (>= 1)' })
  @Min(1)
  size!: number;

  @Option({ type: 'string', name: 'as', description: 'the name of the output field' })
  @IsNotEmpty()
  as = 'avg';

  /** The last `size` values of each group, oldest first, keyed by the point's group. */
  @State()
  windows: Record<string, number[]> = {};

  @OnPoint()
  point(p: Point, ctx: UdfContext): Point | undefined {
    const value = fieldValue(p, this.field);
    if (value === undefined) {
      ctx.log.warn('point has no numeric field to average: skipped', { field: this.field, name: p.name, time: String(p.time) });
      return undefined;
    }
    const window = this.windowOf(p.group);
    window.push(value);
    if (window.length > this.size) window.splice(0, window.length - this.size);
    return {
      ...p,
      fieldsDouble: { [this.as]: mean(window) },
      fieldsInt: {},
      fieldsString: {},
      fieldsBool: {},
    };
  }

  private windowOf(group: string): number[] {
    if (Object.prototype.hasOwnProperty.call(this.windows, group)) return this.windows[group];
    const window: number[] = [];
    // defineProperty, not assignment: a group named '__proto__' must stay an ordinary key.
    Object.defineProperty(this.windows, group, { value: window, writable: true, enumerable: true, configurable: true });
    return window;
  }
}

/** The field as a number: a double as is, an integer converted (the average is a double anyway). */
function fieldValue(p: Point, field: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(p.fieldsDouble, field)) return p.fieldsDouble[field];
  if (Object.prototype.hasOwnProperty.call(p.fieldsInt, field)) return Number(p.fieldsInt[field]);
  return undefined;
}

/**
 * Summed afresh, oldest first, each time. A running sum (add the new value,
 * subtract the one leaving) accumulates rounding error: for 2,...,2,1 it gives
 * 1.9000000000000001 where Kapacitor's own test expects 1.9. Windows are
 * small, so the fresh sum costs little and is exact whenever the values allow.
 */
function mean(window: readonly number[]): number {
  let sum = 0;
  for (const v of window) sum += v;
  return sum / window.length;
}
