import {
  Agent,
  type Emitter,
  type FrameBudget,
  type Handler,
  type InitRequest,
  type Logger,
  type MemoryBudget,
  type RestoreRequest,
  type RestoreResponse,
  rateLimitedLogger,
  type SnapshotResponse,
} from '@kapacitor-udf/core';
import { createHandler, type ErrorPolicy, getUdfDefinition } from '@kapacitor-udf/decorators';
import type { ConnectionGauges, ConnectionStats } from './connection-stats';
import { countingHandler } from './counting';
import { errorFields, withFields } from './field-logger';
import type { ServeOptions } from './options';
import type { UdfClass } from './udf-class';

/** One conversation with Kapacitor: a fresh UDF instance, its agent and its log fields. */
export interface UdfConnection {
  readonly agent: Agent;
  /** Settles when the conversation ended: resolves on a clean end, rejects with what ended it. */
  readonly done: Promise<void>;
  /** The connection's log fields; taskID/nodeID are added when Init arrives. */
  readonly fields: Record<string, unknown>;
}

export interface ConnectionParams {
  cls: UdfClass;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  options: ServeOptions;
  logger: Logger;
  fields: Record<string, unknown>;
  /** Shared by the connections of a server (thread); default: one of this connection's own. */
  frameBudget?: FrameBudget;
  /** The retained memory budget of the connections of a thread; default: the thread's (core's threadMemoryBudget()). */
  memoryBudget?: MemoryBudget;
  /** After the input ended, how long the conversation may take (AgentOptions.drainTimeoutMs; socket connections). */
  drainTimeoutMs?: number;
  /** Where the connection's traffic is counted (--metrics, --stats-interval); unset: not counted. */
  stats?: ConnectionStats;
  /** Overrides the class's `@Udf({ onError })`. */
  onError?: ErrorPolicy;
  /** With `stats`: bytes read so far (default: the input's `bytesRead`, a socket's, else counted here). */
  bytesIn?: () => number;
  /** With `stats`: bytes written so far (default: the output's `bytesWritten`, else 0). */
  bytesOut?: () => number;
}

export function startConnection(params: ConnectionParams): UdfConnection {
  const { cls, input, output, options, fields, stats } = params;
  // Rate-limited per connection and kind: a peer that makes every request log
  // a line (empty frames, a handler warning per point) costs a few lines.
  const log = rateLimitedLogger(withFields(params.logger, fields));
  const makeHandler = (emitter: Emitter): Handler => {
    const handler = createHandler(cls, emitter, {
      logger: log,
      maxBatchPoints: options.maxBatchPoints,
      maxBatchSize: options.maxBatchSize,
      optionNames: options.optionNames,
      onError: params.onError,
      onSkip: stats === undefined ? undefined : (error) => stats.countError(errorCode(error, 'ERR_HANDLER_FAILED')),
    });
    const observed = observe(handler, fields, log, stateFields(cls), stats);
    return stats === undefined ? observed : countingHandler(observed, stats);
  };
  const agent = new Agent({
    input,
    output,
    handler: makeHandler,
    maxMessageSize: options.maxMessageSize,
    maxMessageEntries: options.maxMessageEntries,
    handlerTimeoutMs: options.handlerTimeoutMs,
    maxQueuedSize: options.maxQueuedSize,
    frameTimeoutMs: options.frameTimeoutMs,
    frameBudget: params.frameBudget,
    memoryBudget: params.memoryBudget,
    drainTimeoutMs: params.drainTimeoutMs,
    optionNames: options.optionNames,
    logger: log,
    onPointTimed: stats === undefined ? undefined : (seconds) => stats.latency.observe(seconds),
  });
  if (stats !== undefined) stats.gauges = connectionGauges(agent, params);
  log.info('connection opened');
  const done = agent.start().then(
    () => {
      log.flush();
      log.info('connection closed');
    },
    (err: unknown) => {
      stats?.countError(errorCode(err, 'ERR_CONVERSATION_FAILED'));
      log.flush();
      // The agent already logged the cause at error level (with these fields).
      log.warn('connection closed after an error', errorFields(err));
      throw err;
    },
  );
  return { agent, done, fields };
}

/**
 * What snapshot and restore log lines say about the UDF's state: its name,
 * and how the state is written (the `@State` version, or the user's
 * `@OnSnapshot`).
 */
function stateFields(cls: UdfClass): Record<string, unknown> {
  const definition = getUdfDefinition(cls);
  if (definition === undefined) return {};
  if (definition.handlers.snapshot !== undefined) return { udf: definition.name, state: '@OnSnapshot' };
  if (definition.state.length > 0) return { udf: definition.name, state: '@State', stateVersion: definition.stateVersion };
  return { udf: definition.name, state: 'none' };
}

/**
 * Wraps the handler so the InitRequest the agent already decoded is seen
 * once on its way in: its task and node IDs join the log fields and its
 * options are logged at debug. Snapshots and restores are logged at info
 * (a failed restore at error): they are rare, and the only way an operator
 * sees that state was saved and came back. Every other method is the
 * handler's own, bound once, so the per-point path gains no work.
 */
function observe(
  handler: Handler,
  fields: Record<string, unknown>,
  log: Logger,
  state: Record<string, unknown>,
  stats: ConnectionStats | undefined,
): Handler {
  const snapshotTaken = (response: SnapshotResponse): SnapshotResponse => {
    log.info('snapshot taken', { ...state, bytes: response.snapshot.byteLength });
    return response;
  };
  const restored = (request: RestoreRequest, response: RestoreResponse): RestoreResponse => {
    const line = { ...state, bytes: request.snapshot.byteLength };
    if (response.success) log.info('state restored', line);
    else log.error('restore failed (Kapacitor fails the UDF node: the task stops processing)', { ...line, error: response.error });
    return response;
  };
  return {
    info: handler.info.bind(handler),
    init: (request: InitRequest) => {
      fields.taskID = request.taskID;
      fields.nodeID = request.nodeID;
      if (stats !== undefined) {
        stats.taskID = request.taskID;
        stats.nodeID = request.nodeID;
      }
      log.debug('init', { options: describeOptions(request) });
      return handler.init(request);
    },
    snapshot: () => {
      const response = handler.snapshot();
      return isThenable(response) ? response.then(snapshotTaken) : snapshotTaken(response);
    },
    restore: (request: RestoreRequest) => {
      const response = handler.restore(request);
      return isThenable(response) ? response.then((r) => restored(request, r)) : restored(request, response);
    },
    beginBatch: handler.beginBatch.bind(handler),
    point: handler.point.bind(handler),
    endBatch: handler.endBatch.bind(handler),
    stop: handler.stop.bind(handler),
  };
}

/** Init options as plain JSON-safe values (int64 values are bigint: written as decimal strings). */
function describeOptions(request: InitRequest): Array<{ name: string; values: unknown[] }> {
  return request.options.map((option) => ({
    name: option.name,
    values: option.values.map((v) => {
      const value = v.value;
      if (value === undefined) return null;
      return typeof value.value === 'bigint' ? value.value.toString() : value.value;
    }),
  }));
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** An error's `code` when it has a string one (every UdfError does), else `fallback`. */
function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : fallback;
}

/** Where a connection's gauges are read: the agent, and the byte counts of its streams. */
function connectionGauges(agent: Agent, params: ConnectionParams): ConnectionGauges {
  let bytesIn = params.bytesIn;
  if (bytesIn === undefined) {
    const input = params.input as { bytesRead?: unknown };
    if (typeof input.bytesRead === 'number') bytesIn = () => input.bytesRead as number;
    else {
      // Per chunk, not per point.
      let counted = 0;
      params.input.on('data', (chunk: Buffer) => (counted += chunk.length));
      bytesIn = () => counted;
    }
  }
  const output = params.output as { bytesWritten?: unknown };
  const bytesOut = params.bytesOut ?? (() => (typeof output.bytesWritten === 'number' ? output.bytesWritten : 0));
  return { agent: () => agent, bytesIn, bytesOut };
}
