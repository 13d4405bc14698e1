// packages/decorators/README.md: "Types from the declaration" (this config has
// experimentalDecorators; the design types themselves are tested in
// packages/decorators/test/design-types.test.ts).
import { OnPoint, Option, Udf, type Point } from '@kapacitor-udf/decorators';

import 'reflect-metadata';

@Udf({ wants: 'stream', provides: 'stream' })
class Tagger {
  @Option({ required: true }) tag!: string;
  @Option() size: bigint = 10n;
  @OnPoint() p(p: Point) { return p; }
}

export { Tagger };
