import { numericField, OnPoint, Option, type Point, replaceFields, State, Udf, type UdfContext } from '@kapacitor-udf/decorators';
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
  // 2: windows is a Map (1 kept them in a plain object); older snapshots are refused by version.
  stateVersion: 2,
})
export class MovingAvg {
  @Option({ type: 'string', required: true, description: 'the field to average (double or integer)' })
  field!: string;

  // class-validator through `validate`: works with legacy and with TC39 decorators.
  @Option({ type: 'int', int: 'number', required: true, validate: [Min(1)], description: 'how many points the window holds (>= 1)' })
  size!: number;

  @Option({ type: 'string', name: 'as', validate: [IsNotEmpty()], description: 'the name of the output field' })
  as = 'avg';

  /**
   * The last `size` values of each group, oldest first, keyed by the point's
   * group (a Map: one lookup per point, any group name). The declared shape
   * makes a Restore refuse anything else (a window of strings would average
   * to NaN).
   */
  @State({ shape: 'Map<string,Array<number>>' })
  windows = new Map<string, number[]>();

  @OnPoint()
  point(p: Point, ctx: UdfContext): Point | undefined {
    const value = numericField(p, this.field);
    if (value === undefined) {
      ctx.log.warn('point has no numeric field to average: skipped', { field: this.field, name: p.name, time: String(p.time) });
      return undefined;
    }
    let window = this.windows.get(p.group);
    if (window === undefined) {
      window = [];
      this.windows.set(p.group, window);
    }
    window.push(value);
    // One value over (every point in steady state): shift(), no array of
    // removed values. More (a window restored from a run with a larger
    // size): one splice, linear; shift() in a loop moves the whole window
    // per value removed (a 4M window took minutes).
    const excess = window.length - Math.max(1, this.size);
    if (excess === 1) window.shift();
    else if (excess > 1) window.splice(0, excess);
    return replaceFields(p, { [this.as]: mean(window) });
  }
}

/**
 * Summed afresh, oldest first, each time. A running sum (add the new value,
 * subtract the one leaving) accumulates rounding error: for 2,...,2,1 it gives
 * 1.9000000000000001 where Kapacitor's own test expects 1.9. Windows are
 * small, so the fresh sum costs little and is exact whenever the values allow.
 */
function mean(window: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < window.length; i++) sum += window[i];
  return sum / window.length;
}
