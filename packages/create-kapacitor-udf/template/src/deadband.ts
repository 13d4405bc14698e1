import { numericField, OnPoint, Option, type Point, State, Udf, type UdfContext } from '@kapacitor-udf/decorators';
import { Min } from 'class-validator';

/**
 * A deadband filter: a point is passed on only when its field moved by at
 * least `threshold` since the last point passed on for the same group
 * (series), so a slowly drifting or noisy value is not sent on every time.
 *
 * ```
 * @deadband()
 *     .field('value')
 *     .threshold(0.5)
 * ```
 *
 * The first point of each group is always passed on. Points are passed on
 * unchanged; points without a numeric `field` are dropped (and logged).
 */
@Udf({
  name: 'deadband',
  wants: 'stream',
  provides: 'stream',
  description: 'Passes a point on only when its field moved by at least `threshold` since the last one passed on (per group).',
})
export class Deadband {
  // Set from the TICKscript: .field('value'). Required: Init fails without it.
  @Option({ type: 'string', required: true, description: 'the numeric field to watch' })
  field!: string;

  // .threshold(0.5); the initializer is the default. A TICKscript double must
  // be written with a point (0.5, 2.0). @Min runs at Init: a negative value
  // refuses the task with a message naming the option.
  @Option({ type: 'double', description: 'the smallest change passed on (>= 0)' })
  @Min(0)
  threshold = 1.0;

  // The value last passed on, per group. @State() fields are saved in
  // Kapacitor's snapshots and restored with the task, so a restarted task
  // does not pass every group's next point on again. Keep state plain data
  // (Map, arrays, numbers, bigint...).
  @State()
  lastPassed = new Map<string, number>();

  // Called for every point; what it returns is emitted (nothing = dropped).
  @OnPoint()
  point(p: Point, ctx: UdfContext): Point | undefined {
    // A double as it is, an integer (bigint) converted; undefined when absent.
    const value = numericField(p, this.field);
    if (value === undefined) {
      ctx.log.warn('point has no numeric field to watch: dropped', { field: this.field, name: p.name });
      return undefined;
    }
    const last = this.lastPassed.get(p.group);
    if (last !== undefined && Math.abs(value - last) < this.threshold) return undefined;
    this.lastPassed.set(p.group, value);
    return p;
  }
}
