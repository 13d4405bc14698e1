/**
 * Binds a decorated class to the core `Handler` interface: one new instance
 * per connection (or process), its options read at Init, its handler methods
 * called with a `UdfContext`, and whatever they return emitted.
 *
 * The per-point path is kept cheap: the handler method is looked up once, a
 * synchronous handler is called without any promise, and nothing is allocated
 * besides what the handler itself returns.
 */
import {
  type BeginBatch,
  createLogger,
  type Emitter,
  type EndBatch,
  estimatePointHeapBytes,
  type Handler,
  type InfoResponse,
  type InitRequest,
  type InitResponse,
  type Logger,
  type MaybePromise,
  type OptionNames,
  type Point,
  type RestoreRequest,
  type RestoreResponse,
  type SnapshotResponse,
} from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';
import { abbreviate } from './abbreviate';
import type { Batch } from './batch';
import { type BatchLimits, batchTooManyBytes, batchTooManyPoints, resolveBatchLimits } from './batch-limits';
import { HandlerContext } from './context';
import { type ErrorPolicy, HANDLER_DECORATOR_NAMES, type HandlerKind, type UdfDefinition } from './definition';
import { UdfRuntimeError } from './errors';
import { definitionToInfoResponse } from './info';
import { getUdfDefinition, type UdfClass } from './metadata';
import { applyOptions } from './option-values';
import { isThenable } from './result-check';
import { pointItem, type SkippedItem, SkipReporter, seriesKey } from './skip-policy';
import { restoreState, snapshotState } from './state-snapshot';
import { validateInstance } from './validation';

export interface CreateHandlerOptions {
  /** Where `ctx.log` writes. Default: JSON lines on stderr at level 'info' (Kapacitor logs UDF stderr). */
  logger?: Logger;
  /** Most points one batch collected for @OnBatch may hold (default 1,000,000). */
  maxBatchPoints?: number;
  /** Most request bytes one batch collected for @OnBatch may hold (default 128 MiB). */
  maxBatchSize?: number;
  /** Overrides the class's `@Udf({ onError })` (udf-run's --on-error: the command line wins). */
  onError?: ErrorPolicy;
  /** Called once per point or batch skipped under the 'skip' policy (after it was logged), e.g. to count it. */
  onSkip?: (error: unknown) => void;
  /** How error messages name options (default: these option names; udf-run maps them to its flags). */
  optionNames?: OptionNames;
}

type AnyFunction = (...args: unknown[]) => unknown;

// Fresh objects each time: responses belong to whoever receives them.
const initOk = (): InitResponse => ({ success: true, error: '' });
const restoreOk = (): RestoreResponse => ({ success: true, error: '' });

/**
 * A Handler for `cls`, emitting through `emitter`. Throws
 * `UdfDefinitionError` (`ERR_NOT_A_UDF_CLASS`) for a class without `@Udf`.
 */
export function createHandler(cls: UdfClass, emitter: Emitter, opts: CreateHandlerOptions = {}): Handler {
  const definition = getUdfDefinition(cls);
  const policy = opts.onError ?? definition.onError ?? 'fail';
  if (policy !== 'fail' && policy !== 'skip') {
    throw new UdfRuntimeError('ERR_INVALID_OPTION', `onError must be 'fail' or 'skip', got ${JSON.stringify(policy)}`);
  }
  const logger = opts.logger ?? createLogger({ level: 'info' });
  return new UdfHandler(cls, definition, emitter, logger, resolveBatchLimits(opts), policy, opts.onSkip);
}

/** Which skipped item a handler's input is, for the log line. */
const beginItem = (begin: BeginBatch): SkippedItem => ({ kind: 'batch', series: seriesKey(begin?.name, begin?.tags), time: undefined });
const endItem = (end: EndBatch): SkippedItem => ({ kind: 'batch', series: seriesKey(end?.name, end?.tags), time: end?.tmax });
const batchItem = (batch: Batch): SkippedItem => endItem(batch.end);

class UdfHandler implements Handler {
  private readonly ctx: HandlerContext;
  private readonly instance: Record<string, unknown>;
  /** Set when the class constructor threw: Init reports it, data handlers throw it. */
  private readonly constructError: unknown;
  private initReceived = false;
  /**
   * Init succeeded. Until then (no Init yet, or a refused one) data, Snapshot
   * and Restore are refused: the options they would run with were rejected
   * or never set, and a handler running on them can do anything (a negative
   * window size looping forever, say).
   */
  private ready = false;
  /** Why Init was refused (for the error data then gets). */
  private refusal: string | undefined;
  /** The input batch being collected for @OnBatch. */
  private collecting: Batch | undefined;
  /** Request bytes of the points in `collecting`. */
  private collectingBytes = 0;
  /** Set under the 'skip' policy. */
  private readonly skipper: SkipReporter | undefined;
  /** Estimated heap bytes of the points in `collecting`, charged to emitter.retained (the thread's memory budget). */
  private collectingHeld = 0;

  readonly point: (point: Point) => MaybePromise<void>;
  readonly beginBatch: (begin: BeginBatch) => MaybePromise<void>;
  readonly endBatch: (end: EndBatch) => MaybePromise<void>;

  constructor(
    cls: Function,
    private readonly definition: UdfDefinition,
    private readonly emitter: Emitter,
    logger: Logger,
    private readonly limits: BatchLimits,
    policy: ErrorPolicy,
    onSkip: ((error: unknown) => void) | undefined,
  ) {
    this.ctx = new HandlerContext(emitter, definition.provides, logger, definition.name);
    this.skipper = policy === 'skip' ? new SkipReporter(logger, this.ctx, definition.name, onSkip) : undefined;
    let instance: Record<string, unknown> = {};
    try {
      instance = new (cls as new () => Record<string, unknown>)();
    } catch (error) {
      this.constructError = error;
    }
    this.instance = instance;
    // Failed as the largest holder of the thread's memory budget: the
    // collected batch is let go now (the conversation is over).
    emitter.retained?.onEvicted(() => {
      this.collecting = undefined;
      this.collectingHeld = 0;
    });
    this.point = this.gated('a point', this.pointHandler());
    this.beginBatch = this.gated('a BeginBatch', this.beginHandler());
    this.endBatch = this.gated('an EndBatch', this.endHandler());
  }

  /** The user's method for a handler kind, bound to nothing (called with `.call(instance, ...)`). */
  private method(kind: HandlerKind): AnyFunction | undefined {
    const name = this.definition.handlers[kind];
    if (name === undefined) return undefined;
    if (this.constructError !== undefined) {
      const error = new UdfRuntimeError(
        'ERR_CONSTRUCTOR_FAILED',
        `constructing ${this.definition.className} failed: ${describeError(this.constructError)}`,
      );
      return () => {
        throw error;
      };
    }
    return this.instance[name] as AnyFunction;
  }

  /** `fn`, refusing its request while Init has not succeeded. */
  private gated<T>(what: string, fn: (value: T) => MaybePromise<void>): (value: T) => MaybePromise<void> {
    return (value) => {
      if (!this.ready) this.notInitialized(what);
      return fn(value);
    };
  }

  private notInitialized(what: string): never {
    const name = this.definition.name;
    if (this.refusal !== undefined) {
      throw new UdfRuntimeError(
        'ERR_NOT_INITIALIZED',
        `${name} received ${what} after its Init was refused (${this.refusal}); fix the task's options for ${name} and restart the task`,
      );
    }
    throw new UdfRuntimeError(
      'ERR_NOT_INITIALIZED',
      `${name} received ${what} before Init; a client must send Init (with the task's options) before data, Snapshot or Restore`,
    );
  }

  private unexpected(message: string): never {
    throw new UdfRuntimeError('ERR_UNEXPECTED_INPUT', `${this.definition.name}: ${message}`);
  }

  // ---- data ----

  private pointHandler(): (point: Point) => MaybePromise<void> {
    if (this.definition.handlers.batch !== undefined) {
      const { maxBatchPoints, maxBatchSize } = this.limits;
      const emitter = this.emitter;
      return (point) => {
        const batch = this.collecting;
        if (batch === undefined) this.unexpected('received a point outside a batch (no BeginBatch before it)');
        if (batch.points.length >= maxBatchPoints) throw batchTooManyPoints(this.definition.name, maxBatchPoints, this.limits.optionNames);
        this.collectingBytes += emitter.requestBytes ?? 0;
        if (this.collectingBytes > maxBatchSize) throw batchTooManyBytes(this.definition.name, maxBatchSize, this.limits.optionNames);
        const account = emitter.retained;
        if (account !== undefined) {
          const bytes = estimatePointHeapBytes(point);
          this.collectingHeld += bytes;
          // False: this connection held the most of an exhausted budget and was failed.
          if (!account.hold(bytes)) return;
        }
        batch.points.push(point);
      };
    }
    const fn = this.method('point');
    if (fn === undefined) return () => undefined; // a batch UDF with only begin/end handlers
    const instance = this.instance;
    const ctx = this.ctx;
    const emit = ctx.resultEmitter('point', this.label('point'));
    if (this.skipper !== undefined) {
      return this.skipping((point: Point) => {
        const result = fn.call(instance, point, ctx);
        if (result === undefined) return;
        return this.emitResult(result, emit);
      }, pointItem);
    }
    return (point) => {
      const result = fn.call(instance, point, ctx);
      if (result === undefined) return;
      if (result instanceof Promise) return result.then(emit);
      if (isThenable(result)) return settle(result).then(emit);
      emit(result);
    };
  }

  private beginHandler(): (begin: BeginBatch) => MaybePromise<void> {
    const { wants, provides, handlers } = this.definition;
    if (wants === 'stream') return () => this.unexpected("received a BeginBatch, but it wants 'stream'");
    if (handlers.batch !== undefined) {
      return (begin) => {
        if (this.collecting !== undefined) this.unexpected('received a BeginBatch inside an open batch');
        this.collecting = { begin, points: [], end: undefined as unknown as EndBatch };
        this.collectingBytes = 0;
        this.collectingHeld = 0;
      };
    }
    const fn = this.method('beginBatch');
    if (fn !== undefined) {
      const emit = this.ctx.resultEmitter('begin', this.label('beginBatch'));
      const run = (begin: BeginBatch) => this.emitResult(fn.call(this.instance, begin, this.ctx), emit);
      return this.skipper === undefined ? run : this.skipping(run, beginItem);
    }
    // A point-mapping batch UDF (no begin/end handlers) passes batch boundaries through.
    if (provides === 'batch' && handlers.endBatch === undefined) return (begin) => this.ctx.beginBatch(begin);
    return () => undefined;
  }

  private endHandler(): (end: EndBatch) => MaybePromise<void> {
    const { wants, provides, handlers } = this.definition;
    if (wants === 'stream') return () => this.unexpected("received an EndBatch, but it wants 'stream'");
    const onBatch = this.method('batch');
    if (onBatch !== undefined) {
      const emit = this.ctx.resultEmitter('batch', this.label('batch'));
      const run = (batch: Batch) => this.emitResult(onBatch.call(this.instance, batch, this.ctx), emit);
      const handle = this.skipper === undefined ? run : this.skipping(run, batchItem, true);
      return (end) => {
        const batch = this.collecting;
        if (batch === undefined) this.unexpected('received an EndBatch without a BeginBatch');
        this.collecting = undefined;
        batch.end = end;
        // The batch stays charged until @OnBatch is done with it (an async one holds it meanwhile).
        const held = this.collectingHeld;
        this.collectingHeld = 0;
        const account = this.emitter.retained;
        if (account === undefined || held === 0) return handle(batch);
        let result: MaybePromise<void>;
        try {
          result = handle(batch);
        } catch (error) {
          account.drop(held);
          throw error;
        }
        if (result === undefined) account.drop(held);
        else result = result.finally(() => account.drop(held));
        return result;
      };
    }
    const fn = this.method('endBatch');
    if (fn !== undefined) {
      const emit = this.ctx.resultEmitter('end', this.label('endBatch'));
      const run = (end: EndBatch) => this.emitResult(fn.call(this.instance, end, this.ctx), emit);
      return this.skipper === undefined ? run : this.skipping(run, endItem, true);
    }
    if (provides === 'batch' && handlers.beginBatch === undefined) return (end) => this.ctx.endBatch(end);
    return () => undefined;
  }

  /**
   * `run` under the 'skip' policy: whatever it throws or rejects with (the
   * user's error, an invalid result, an emit the output cannot take) is
   * reported and the item dropped. Except when a handler that should close
   * the output batch (@OnBatch, @OnEndBatch) failed with one open: the
   * batches after it would all fail, and Kapacitor must not get half a
   * batch, so that failure still ends the task.
   */
  private skipping<T>(
    run: (value: T) => MaybePromise<void>,
    item: (value: T) => SkippedItem,
    closesBatch = false,
  ): (value: T) => MaybePromise<void> {
    const skipper = this.skipper as SkipReporter;
    const skip = (error: unknown, value: T): void => {
      if (closesBatch && this.emitter.batchOpen) {
        throw new UdfRuntimeError(
          'ERR_OUTPUT_BATCH_LEFT_OPEN',
          `${this.definition.name}: a handler failed with an output batch open, which skipping cannot repair (${describeError(error)}); ` +
            'emit whole batches from @OnBatch (emitBatch) so that a failing batch can be skipped',
        );
      }
      skipper.report(error, item(value));
    };
    return (value) => {
      try {
        const pending = run(value);
        if (pending !== undefined) return pending.then(undefined, (error: unknown) => skip(error, value));
      } catch (error) {
        skip(error, value);
      }
    };
  }

  /** Emits a handler's result now, or when it settles (any thenable, not only a native Promise). */
  private emitResult(result: unknown, emit: (result: unknown) => void): MaybePromise<void> {
    if (isThenable(result)) return settle(result).then(emit);
    emit(result);
  }

  /** How errors name a handler: "Outliers.batch() (@OnBatch)". */
  private label(kind: HandlerKind): string {
    return `${this.definition.className}.${String(this.definition.handlers[kind])}() (${HANDLER_DECORATOR_NAMES[kind]})`;
  }

  // ---- management ----

  info(): InfoResponse {
    return definitionToInfoResponse(this.definition);
  }

  init(request: InitRequest): MaybePromise<InitResponse> {
    const refuse = (error: string): InitResponse => ({ success: false, error });
    if (this.initReceived) return refuse(`${this.definition.name} already received Init on this connection`);
    this.initReceived = true;
    if (this.constructError !== undefined) {
      return this.initDone(refuse(`constructing ${this.definition.className} failed: ${describeError(this.constructError)}`));
    }
    this.ctx.taskID = request.taskID;
    this.ctx.nodeID = request.nodeID;
    const { problems, failed } = applyOptions(this.definition, this.instance, request.options);
    return validateInstance(this.definition, this.instance, failed)
      .then(
        (validationProblems) => {
          const all = [...problems, ...validationProblems];
          if (all.length > 0) return refuse(all.join('\n'));
          return this.runOnInit();
        },
        (error) => refuse(`validating the options of ${this.definition.name} failed: ${describeError(error)}`),
      )
      .then((response) => this.initDone(response));
  }

  /** Records the outcome of Init: only a successful one lets data through. */
  private initDone(response: InitResponse): InitResponse {
    this.ready = response.success;
    if (!response.success) this.refusal = abbreviate(response.error.split('\n')[0], 200);
    return response;
  }

  /** @OnInit: throwing or rejecting refuses Init with the error's message. */
  private runOnInit(): MaybePromise<InitResponse> {
    const fn = this.method('init');
    if (fn === undefined) return initOk();
    const refuse = (error: unknown): InitResponse => ({ success: false, error: describeError(error) });
    try {
      const result = fn.call(this.instance, this.ctx);
      if (isThenable(result)) return settle(result).then(initOk, refuse);
      return initOk();
    } catch (error) {
      return refuse(error);
    }
  }

  snapshot(): MaybePromise<SnapshotResponse> {
    if (!this.ready) this.notInitialized('a Snapshot request');
    const fn = this.method('snapshot');
    if (fn !== undefined) {
      const result = fn.call(this.instance, this.ctx);
      return isThenable(result) ? settle(result).then((bytes) => this.toSnapshot(bytes)) : this.toSnapshot(result);
    }
    if (this.definition.state.length > 0) return { snapshot: snapshotState(this.definition, this.instance) };
    return { snapshot: Buffer.alloc(0) };
  }

  private toSnapshot(bytes: unknown): SnapshotResponse {
    if (!(bytes instanceof Uint8Array)) {
      throw new UdfRuntimeError(
        'ERR_INVALID_RESULT',
        `@OnSnapshot of ${this.definition.className} must return a Uint8Array (or Buffer), got ${bytes === null ? 'null' : typeof bytes}`,
      );
    }
    return { snapshot: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  restore(request: RestoreRequest): MaybePromise<RestoreResponse> {
    if (!this.ready) this.notInitialized('a Restore request');
    const fn = this.method('restore');
    if (fn !== undefined) {
      const refuse = (error: unknown): RestoreResponse => ({ success: false, error: describeError(error) });
      try {
        const result = fn.call(this.instance, request.snapshot, this.ctx);
        if (isThenable(result)) return settle(result).then((r) => this.toRestoreResponse(r), refuse);
        return this.toRestoreResponse(result);
      } catch (error) {
        return refuse(error);
      }
    }
    if (this.definition.state.length > 0) return restoreState(this.definition, this.instance, request.snapshot);
    return restoreOk();
  }

  /** @OnRestore's result: nothing (success) or `{ success, error }`. */
  private toRestoreResponse(result: unknown): RestoreResponse {
    if (result === undefined || result === null) return restoreOk();
    const r = result as Partial<RestoreResponse>;
    if (r.success === false) {
      return { success: false, error: r.error ? String(r.error) : `@OnRestore of ${this.definition.className} refused the snapshot` };
    }
    return restoreOk();
  }

  stop(): MaybePromise<void> {
    if (this.collecting !== undefined) {
      this.ctx.log.warn('input ended inside a batch; its points were not processed', {
        udf: this.definition.name,
        points: this.collecting.points.length,
      });
      this.collecting = undefined;
      this.emitter.retained?.drop(this.collectingHeld);
      this.collectingHeld = 0;
    }
    const fn = this.method('stop');
    // @OnStop flushes what data handlers built: with no successful Init there is none.
    if (fn === undefined || !this.ready) return;
    const result = fn.call(this.instance, this.ctx);
    if (isThenable(result)) return settle(result).then(() => undefined);
  }
}

/**
 * A native promise of what a thenable settles to. Promise.resolve adopts
 * any thenable (of another realm, a query object) and flattens thenables
 * that resolve to thenables, so emit always sees a plain value.
 */
function settle(thenable: PromiseLike<unknown>): Promise<unknown> {
  return thenable instanceof Promise ? thenable : Promise.resolve(thenable);
}
