/**
 * Type test: declarations that must compile in both decorator modes
 * (typed-decorators.test.ts compiles this file with and without
 * experimentalDecorators and expects no error).
 */
import { Min } from 'class-validator';
import {
  type Batch,
  type BeginBatch,
  Duration,
  type EndBatch,
  OnBatch,
  OnBeginBatch,
  OnEndBatch,
  OnInit,
  OnPoint,
  OnRestore,
  OnSnapshot,
  OnStop,
  Option,
  type Point,
  State,
  Udf,
  type UdfContext,
  ValidateWith,
} from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream' })
export class EveryOptionShape {
  @Option({ type: 'int' }) size = 10n;
  @Option({ type: 'int', int: 'bigint' }) explicitBigint = 1n;
  @Option({ type: 'int', int: 'number' }) count = 3;
  @Option({ type: 'double' }) ratio = 0.5;
  @Option({ type: 'string' }) label = '';
  @Option({ type: 'bool' }) strict = false;
  @Option({ type: 'duration' }) period = Duration.seconds(10);
  @Option({ types: ['string', 'double'] }) field?: [string, number];
  @Option({ types: ['string', 'int', 'duration'], int: 'number' }) triple: [string, number, Duration] = ['a', 1, Duration.seconds(1)];
  @Option({ flag: true }) enabled = false;
  @Option({ type: 'string', repeatable: true }) tag: string[] = [];
  @Option({ types: ['string', 'int'], repeatable: true }) pairs: Array<[string, bigint]> = [];
  @Option({ type: 'string', required: true }) db!: string;
  @Option({ type: 'string', name: 'as', description: 'output field' }) asName?: string;
  @Option({ type: 'int', int: 'number', validate: [Min(1)] }) validated = 1;
  @ValidateWith(Min(0)) @Option({ type: 'double' }) positive = 1.0;
  @State() seen = 0;

  @OnInit() init(ctx: UdfContext): void {
    ctx.log.info('started');
  }
  @OnPoint() point(p: Point): Point {
    return p;
  }
  @OnStop() stop(): void {}
}

@Udf({ wants: 'batch', provides: 'batch' })
export class BatchHandlers {
  @OnBeginBatch() begin(b: BeginBatch, ctx: UdfContext): BeginBatch {
    void ctx;
    return b;
  }
  @OnPoint() async point(p: Point): Promise<Point[]> {
    return [p];
  }
  @OnEndBatch() end(e: EndBatch): void {
    void e;
  }
  @OnSnapshot() snapshot(): Uint8Array {
    return new Uint8Array(0);
  }
  @OnRestore() restore(bytes: Uint8Array): { success: boolean; error: string } | void {
    if (bytes.length > 1) return { success: false, error: 'too long' };
  }
}

@Udf({ wants: 'batch', provides: 'stream' })
export class WholeBatch {
  @OnInit() async init(): Promise<void> {}
  @OnBatch() batch(b: Batch): Point[] {
    return b.points;
  }
}

@Udf({ wants: 'batch', provides: 'batch' })
export class BatchOrPoints {
  @OnBatch() batch(b: Batch, ctx: UdfContext): Array<Batch | Point> | undefined {
    ctx.emitBatch(b);
    return undefined;
  }
  @OnSnapshot() async snapshot(): Promise<Uint8Array> {
    return new Uint8Array(0);
  }
  @OnRestore() restore(): void {}
}
