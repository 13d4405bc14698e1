// README.md: "What a UDF looks like".
import { Udf, Option, OnPoint, withFields, type Point } from '@kapacitor-udf/decorators';

@Udf({ name: 'mirror', wants: 'stream', provides: 'stream' })
export class Mirror {
  @Option({ types: ['string', 'double'] })
  field?: [string, number];

  @OnPoint()
  point(p: Point): Point {
    if (!this.field) return p;
    const [name, value] = this.field;
    return withFields(p, { [name]: value });
  }
}
