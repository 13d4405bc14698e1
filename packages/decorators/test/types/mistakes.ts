/**
 * Type test: each declaration below is a mistake the compiler must reject, in
 * both decorator modes (typed-decorators.test.ts compiles this file with and
 * without experimentalDecorators). An unused `@ts-expect-error` is itself an
 * error, so a check that stops working fails the test.
 */
import {
  type Batch,
  type BeginBatch,
  Duration,
  OnBatch,
  OnBeginBatch,
  OnInit,
  OnPoint,
  OnRestore,
  OnSnapshot,
  Option,
  type Point,
  Udf,
  type UdfContext,
} from '@kapacitor-udf/decorators';

@Udf({ wants: 'stream', provides: 'stream' })
export class WrongOptionTypes {
  // @ts-expect-error an int is a bigint unless int: 'number'
  @Option({ type: 'int' }) size = 10;
  // @ts-expect-error int: 'number' delivers a number
  @Option({ type: 'int', int: 'number' }) count = 10n;
  // @ts-expect-error a double is a number
  @Option({ type: 'double' }) ratio = '0.5';
  // @ts-expect-error a duration is a Duration, not milliseconds
  @Option({ type: 'duration' }) period = 1000;
  // @ts-expect-error a bool is a boolean
  @Option({ type: 'bool' }) strict = 'yes';
  // @ts-expect-error a tuple is typed in order
  @Option({ types: ['string', 'double'] }) field?: [number, string];
  // @ts-expect-error a tuple has exactly its declared values
  @Option({ types: ['string', 'double'] }) short?: [string];
  // @ts-expect-error a repeatable option is an array
  @Option({ type: 'string', repeatable: true }) tag = '';
  // @ts-expect-error a repeatable tuple is an array of tuples
  @Option({ types: ['string', 'int'], repeatable: true }) pairs: Array<string | bigint> = [];
  // @ts-expect-error a flag is a boolean
  @Option({ flag: true }) enabled = 0;
  // @ts-expect-error a property wider than what the option delivers
  @Option({ type: 'string' }) anything: unknown;
  // @ts-expect-error a required option is always set: the property is not optional
  @Option({ type: 'string', required: true }) db?: number;
  // @ts-expect-error an unknown setting
  @Option({ type: 'int', defualt: 1n }) misspelt = 1n;
  // @ts-expect-error flags take no 'int' setting
  @Option({ flag: true, int: 'number' }) flagInt = false;
  period2 = Duration.seconds(1);

  // @ts-expect-error a point handler takes a Point
  @OnPoint() point(p: string): Point | void {
    void p;
  }
}

@Udf({ wants: 'batch', provides: 'batch' })
export class WrongHandlers {
  // @ts-expect-error a point handler returns points or nothing
  @OnPoint() point(p: Point): number {
    return p.fieldsDouble.length;
  }
  // @ts-expect-error a BeginBatch handler gets a BeginBatch
  @OnBeginBatch() begin(b: Batch): BeginBatch {
    return b.begin;
  }
  // @ts-expect-error @OnInit takes only the context
  @OnInit() init(ctx: UdfContext, extra: number): void {
    void ctx;
    void extra;
  }
  // @ts-expect-error @OnInit returns nothing (throw to refuse Init)
  @OnInit() init2(): string {
    return 'refused';
  }
  // @ts-expect-error a snapshot is bytes
  @OnSnapshot() snapshot(): string {
    return '';
  }
  // @ts-expect-error a restore gets bytes
  @OnRestore() restore(bytes: string): void {
    void bytes;
  }
}

@Udf({ wants: 'batch', provides: 'batch' })
export class WrongBatch {
  // @ts-expect-error @OnBatch gets a Batch, not points
  @OnBatch() batch(points: Point[]): void {
    void points;
  }
}
