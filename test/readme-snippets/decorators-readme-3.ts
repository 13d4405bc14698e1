// packages/decorators/README.md: "Validation".
import { IsIn, Max, Min } from 'class-validator';
import { OnPoint, Option, Udf, ValidateWith, type Point } from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream' })
export class Stats {
  @ValidateWith(Min(1), Max(100)) @Option({ type: 'int', int: 'number' }) size = 10;
  @Option({ type: 'string', validate: [IsIn(['mean', 'median'])] }) method = 'mean';
  @OnPoint() p(p: Point) { return p; }
}
