// packages/decorators/README.md: "UdfContext" (emitting from a timer).
import { createPoint } from '@kapacitor-udf/core';
import { Duration, OnInit, OnPoint, OnStop, Option, Udf, type Point, type UdfContext } from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream' })
class Heartbeat {
  @Option({ type: 'duration' }) every = Duration.seconds(10);
  private timer?: NodeJS.Timeout;

  @OnInit() start(ctx: UdfContext) {
    this.timer = setInterval(() => ctx.emit(heartbeatPoint()), this.every.toMilliseconds());
  }
  @OnPoint() p(p: Point) { return p; }
  @OnStop() stop() { clearInterval(this.timer); }
}

// The snippet leaves the point to the reader.
function heartbeatPoint(): Point {
  return { ...createPoint(), name: 'heartbeat', time: BigInt(Date.now()) * 1_000_000n };
}

export { Heartbeat };
