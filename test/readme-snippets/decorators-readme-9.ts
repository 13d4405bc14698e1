// packages/decorators/README.md: bounds of an int option (bigint validators).
import { IsIn, Min } from 'class-validator';
import { MaxBigInt, MinBigInt, OnPoint, Option, type Point, Udf } from '@kapacitor-udf/decorators';

@Udf({ name: 'windowed', wants: 'stream', provides: 'stream' })
export class Windowed {
  @Option({ type: 'int', validate: [MinBigInt(1n), MaxBigInt(10_000n)] }) window = 10n;
  @Option({ type: 'int', validate: [IsIn([1n, 2n, 4n])] }) step = 1n;
  @Option({ type: 'int', int: 'number', validate: [Min(0)] }) skip = 0;

  @OnPoint()
  point(p: Point): Point {
    return p;
  }
}
