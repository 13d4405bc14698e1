// packages/decorators/README.md: "State".
import { OnPoint, State, Udf, type Point } from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream', stateVersion: 2 })
class Counter {
  @State() counts = new Map<string, bigint>();
  @State() lastSeen?: Date;
  @OnPoint() p(p: Point) { return p; }
}

export { Counter };
