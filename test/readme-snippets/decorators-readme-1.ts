// packages/decorators/README.md: the first example.
import { Udf, Option, OnPoint, State, numericField, replaceFields, type Point } from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream', name: 'movingAvg', description: 'Moving average of a field.' })
export class MovingAvg {
  @Option({ type: 'string', required: true, description: 'Field to average.' })
  field!: string;

  @Option({ type: 'int', int: 'number' })
  size = 10;

  @Option({ type: 'string', name: 'as' })
  asName = 'avg';

  @State() window: number[] = [];

  @OnPoint()
  point(p: Point): Point {
    this.window.push(numericField(p, this.field) ?? 0);
    if (this.window.length > this.size) this.window.shift();
    const avg = this.window.reduce((a, b) => a + b, 0) / this.window.length;
    return replaceFields(p, { [this.asName]: avg });
  }
}
