import { PassThrough } from 'node:stream';
import {
  Agent,
  type BeginBatch,
  type Emitter,
  type EndBatch,
  type Handler,
  type InfoResponse,
  type InitResponse,
  type KeepaliveResponse,
  type Logger,
  type Point,
  type Response,
  type RestoreResponse,
} from '@kapacitor-udf/core';
import { type Batch, createHandler, toInfoResponse, type UdfClass } from '@kapacitor-udf/decorators';
import type { Emitted } from './emitted';
import { HarnessError } from './errors';
import { KapacitorClient, type Traffic } from './kapacitor-client';
import { type LogEntry, MemoryLogger } from './memory-logger';
import type { OptionsInput } from './options';
import { type ReplayOptions, type ReplaySource, readReplaySource } from './replay-input';
import { spawnUdf } from './udf-run';

export interface HarnessOptions {
  /** When given, `create`/`spawn` send Init with them and fail unless it succeeds. */
  options?: OptionsInput;
  /** Task and node IDs sent with Init (default 'test_task' / 'udf1'). */
  taskID?: string;
  nodeID?: string;
  /** Called for every message sent or received, in order. */
  onTraffic?: (traffic: Traffic) => void;
}

export interface CreateHarnessOptions extends HarnessOptions {
  /** Passed to the core Agent (udf-run's --max-message-size, --max-message-entries, --handler-timeout). */
  maxMessageSize?: number;
  maxMessageEntries?: number;
  handlerTimeoutMs?: number;
  /** Passed to createHandler: how large a batch `@OnBatch` may collect (--max-batch-points, --max-batch-size). */
  maxBatchPoints?: number;
  maxBatchSize?: number;
  /** Where the UDF's log goes; by default it is kept in `harness.logs`. */
  logger?: Logger;
}

export interface SpawnHarnessOptions extends HarnessOptions {
  /** The UDF package's folder (where `udf-run` finds its UDFs). Default: the current directory. */
  cwd?: string;
  /** Load the UDF from this file (`udf-run --module`). */
  module?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * How the harness knows a UDF has finished answering what it was sent: after
 * this resolves, everything the UDF emitted for earlier requests has arrived.
 */
type Settle = () => Promise<void>;

/**
 * A fake Kapacitor for unit tests: it drives one UDF through a whole task
 * conversation (Init, data, snapshots, restore, stop) and records what the
 * UDF sends back. `create` runs the class in memory through the real core
 * Agent and codec; `spawn` runs the same scenario against `udf-run` over a
 * real pipe. Both have the same methods, so a scenario written as
 * `async (h: UdfHarness) => ...` can run both ways.
 */
export class UdfHarness {
  private barriers = 0n;

  private constructor(
    /** The Kapacitor side of the conversation (raw requests, every response). */
    readonly client: KapacitorClient,
    private readonly settle: Settle,
    private readonly defaults: HarnessOptions,
    private readonly done: Promise<void>,
    /** The UDF's log lines (in-memory harness with the default logger). */
    readonly logs: LogEntry[],
  ) {}

  /** Runs `cls` in memory, through the core Agent over in-memory streams. */
  static async create(cls: UdfClass, options: CreateHarnessOptions = {}): Promise<UdfHarness> {
    const info = toInfoResponse(cls);
    const toUdf = new PassThrough();
    const fromUdf = new PassThrough();
    const memoryLogger = options.logger === undefined ? new MemoryLogger() : undefined;
    const logger = options.logger ?? memoryLogger!;
    let sent = 0;
    let settled = 0;
    const waiting: Array<() => void> = [];
    /** The first error a data handler threw: the cause of the HarnessError its ErrorResponse raises. */
    let handlerError: unknown;
    const onSettled = () => {
      settled++;
      if (settled >= sent) for (const wake of waiting.splice(0)) wake();
    };
    const agent = new Agent({
      input: toUdf,
      output: fromUdf,
      handler: (emitter: Emitter) =>
        trackDataCalls(
          createHandler(cls as never, emitter, { logger, maxBatchPoints: options.maxBatchPoints, maxBatchSize: options.maxBatchSize }),
          onSettled,
          (err) => (handlerError ??= err),
        ),
      maxMessageSize: options.maxMessageSize,
      maxMessageEntries: options.maxMessageEntries,
      handlerTimeoutMs: options.handlerTimeoutMs,
      logger,
    });
    const done = agent.start();
    done.catch(() => undefined); // reported through the client (ErrorResponse) or by close()
    const client = new KapacitorClient(toUdf, fromUdf, {
      info,
      taskID: options.taskID,
      nodeID: options.nodeID,
      onTraffic: (traffic) => {
        if (traffic.direction === 'request' && isData(traffic.message.message?.$case)) sent++;
        options.onTraffic?.(traffic);
      },
      maxMessageSize: options.maxMessageSize,
      errorCause: () => handlerError,
    });
    // In memory the harness sees each handler call finish (even async ones), then
    // a keepalive behind them flushes the agent's output: its echo comes after
    // everything the handlers emitted.
    let harness: UdfHarness;
    const settle: Settle = async () => {
      if (settled < sent) await client.guard(new Promise<void>((resolve) => waiting.push(resolve)));
      await client.keepalive(harness.nextBarrier(), { hidden: true });
    };
    harness = new UdfHarness(client, settle, options, done, memoryLogger?.entries ?? []);
    await harness.initIfAsked();
    return harness;
  }

  /**
   * Runs the UDF named `name` with `udf-run` as a process UDF, over its
   * stdin/stdout. As Kapacitor does at startup, Info is asked first of a
   * separate short-lived process; then a task process is started.
   */
  static async spawn(name: string, options: SpawnHarnessOptions = {}): Promise<UdfHarness> {
    const infoClient = spawnUdf(name, options);
    let info: InfoResponse;
    try {
      info = await infoClient.info();
      await infoClient.close();
    } finally {
      infoClient.destroy();
    }
    const client = spawnUdf(name, { ...options, info });
    // Across a process boundary the harness cannot see handler calls finish; a
    // snapshot request can only be answered after every earlier request was
    // handled (keepalives may be answered early), so its answer is the barrier.
    const settle: Settle = async () => {
      await client.snapshot({ hidden: true });
    };
    const harness = new UdfHarness(client, settle, options, Promise.resolve(), []);
    await harness.initIfAsked();
    return harness;
  }

  /** All data the UDF emitted so far, in order. */
  get emitted(): readonly Emitted[] {
    return this.client.emitted;
  }

  /** Every response so far, in order (the harness's own barriers excepted). */
  get responses(): readonly Response[] {
    return this.client.responses;
  }

  info(): Promise<InfoResponse> {
    return this.client.info();
  }

  /** Sends Init and resolves with the InitResponse (check `success` / `error`). */
  init(options: OptionsInput = this.defaults.options ?? [], ids: { taskID?: string; nodeID?: string } = {}): Promise<InitResponse> {
    return this.client.init(options, ids);
  }

  /** Sends a point; resolves with what the UDF emitted in response. */
  point(p: Point): Promise<Emitted[]> {
    return this.exchange(() => this.client.point(p));
  }

  /** Sends the points in order; resolves with everything emitted in response. */
  points(ps: readonly Point[]): Promise<Emitted[]> {
    return this.exchange(() => {
      for (const p of ps) this.client.point(p);
    });
  }

  /** Sends a whole batch (BeginBatch, points, EndBatch); resolves with what was emitted in response. */
  batch(b: Batch): Promise<Emitted[]> {
    return this.exchange(() => this.client.batch(b));
  }

  /**
   * Sends the points or batches of line protocol or a Kapacitor recording
   * (`{ lineProtocol }`, `{ streamRecording }`, `{ batchRecording }`: a path
   * or the bytes) as Kapacitor would, in order; resolves with everything
   * emitted in response (`formatEmitted` writes it as line protocol).
   */
  async replay(source: ReplaySource, options: ReplayOptions = {}): Promise<Emitted[]> {
    const input = await readReplaySource(source, options);
    return this.exchange(() => {
      if ('points' in input) for (const p of input.points) this.client.point(p);
      else for (const b of input.batches) this.client.batch(b);
    });
  }

  beginBatch(b: BeginBatch): Promise<Emitted[]> {
    return this.exchange(() => this.client.beginBatch(b));
  }

  endBatch(e: EndBatch): Promise<Emitted[]> {
    return this.exchange(() => this.client.endBatch(e));
  }

  keepalive(time?: bigint): Promise<KeepaliveResponse> {
    return this.client.keepalive(time);
  }

  /** The UDF's snapshot bytes (as Kapacitor would store them). */
  snapshot(): Promise<Uint8Array> {
    return this.client.snapshot();
  }

  restore(snapshot: Uint8Array): Promise<RestoreResponse> {
    return this.client.restore(snapshot);
  }

  /**
   * Stops the UDF as Kapacitor does (EOF on its input) and resolves with what
   * it emitted while stopping. Rejects with a failure not reported before.
   */
  async close(): Promise<Emitted[]> {
    const flushed = await this.client.close();
    try {
      await this.done;
    } catch (err) {
      // Already reported through the ErrorResponse it sent, or not at all.
      if (this.client.failure === undefined) throw err;
    }
    return flushed;
  }

  private async exchange(send: () => void): Promise<Emitted[]> {
    const start = this.client.emitted.length;
    send();
    await this.settle();
    return this.client.emitted.slice(start);
  }

  /** Keepalive times of the harness's own barriers: negative, so they never collide with real ones. */
  private nextBarrier(): bigint {
    this.barriers++;
    return -this.barriers;
  }

  private async initIfAsked(): Promise<void> {
    if (this.defaults.options === undefined) return;
    const response = await this.init(this.defaults.options);
    if (!response.success) {
      throw new HarnessError('ERR_INIT_FAILED', `the UDF refused its options: ${response.error}`);
    }
  }
}

function isData(kind: string | undefined): boolean {
  return kind === 'point' || kind === 'begin' || kind === 'end';
}

/** The handler, calling `onSettled` whenever a data call (point, BeginBatch, EndBatch) has finished. */
function trackDataCalls(handler: Handler, onSettled: () => void, onError: (err: unknown) => void): Handler {
  const track =
    <A>(call: (arg: A) => void | Promise<void>) =>
    (arg: A): void | Promise<void> => {
      let result: void | Promise<void>;
      try {
        result = call(arg);
      } catch (err) {
        onError(err);
        onSettled();
        throw err;
      }
      if (result instanceof Promise) {
        return result
          .then(undefined, (err: unknown) => {
            onError(err);
            throw err;
          })
          .finally(onSettled);
      }
      onSettled();
      return result;
    };
  return {
    info: handler.info.bind(handler),
    init: handler.init.bind(handler),
    snapshot: handler.snapshot.bind(handler),
    restore: handler.restore.bind(handler),
    stop: handler.stop.bind(handler),
    point: track(handler.point.bind(handler)),
    beginBatch: track(handler.beginBatch.bind(handler)),
    endBatch: track(handler.endBatch.bind(handler)),
  };
}
