/**
 * Entry point of a UDF worker thread (see worker-pool.ts). It loads the UDF
 * class itself (classes cannot be sent between threads) and runs, for each
 * connection the main thread hands it, the same agent + UDF instance as an
 * in-thread connection, over two small streams that carry the socket's
 * bytes through the thread's message port.
 */
import { Readable, Writable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { FrameBudget, type Logger, type LogLevel, MemoryBudget } from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';
import { getUdfDefinition } from '@kapacitor-udf/decorators';
import { type ConnectionStats, StatsRegistry } from './connection-stats';
import { errorFields } from './field-logger';
import type { UdfClass } from './udf-class';
import { startConnection, type UdfConnection } from './udf-connection';
import { loadUdfClass } from './udf-module';
import { type FromWorker, HEARTBEAT_INTERVAL_MS, OUTPUT_WINDOW, type ToWorker, type WorkerInit } from './worker-protocol';

if (parentPort === null) throw new Error('worker-main runs as a worker thread of serveSocket({ workers })');
const port = parentPort;
const init = workerData as WorkerInit;
/** The partial frames of every connection this thread serves share one budget. */
const frameBudget = new FrameBudget(init.limits.maxPartialFramesSize);
/** The connections' counts, when the server reports stats. */
const statsRegistry = init.stats === true ? new StatsRegistry() : undefined;
/**
 * What the connections of this thread hold, against one budget sized from
 * this worker's own heap limit (its resourceLimits, see worker-pool.ts).
 */
const memoryBudget = new MemoryBudget(init.limits.maxRetainedSize || undefined, init.optionNames);

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

/** Logs go to the main thread's logger, so every line lands where in-thread logs would. */
function forward(level: LogLevel) {
  return (msg: string, fields?: object): void => {
    try {
      post({ t: 'log', level, msg, fields });
    } catch {
      // A field that cannot cross threads (a function, a socket...): keep the line, drop the fields.
      post({ t: 'log', level, msg, fields: { fieldsDropped: 'not transferable to the main thread' } });
    }
  };
}
const logger: Logger = { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };

/** One connection served in this thread. */
class WorkerSideConnection {
  readonly input = new Readable({ read() {} });
  readonly output: Writable;
  /** Output bytes posted to the main thread and not yet acked. */
  private unacked = 0;
  /** The output write waiting for acks (the agent sees a stream that has not drained). */
  private waiting: (() => void) | null = null;
  readonly connection: UdfConnection;
  readonly stats: ConnectionStats | undefined;
  /** Bytes received from / sent to the main thread (the socket's bytes, for stats). */
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    readonly id: number,
    cls: UdfClass,
    fields: Record<string, unknown>,
  ) {
    this.stats = statsRegistry?.open(id, getUdfDefinition(cls).name);
    this.output = new Writable({
      // The window below is the real limit; this only saves a tick per agent write.
      highWaterMark: 256 * 1024,
      writev: (chunks, callback) =>
        this.send(
          chunks.map((c) => c.chunk as Buffer),
          callback,
        ),
      final: (callback) => {
        post({ t: 'end', id });
        callback();
      },
    });
    this.connection = startConnection({
      cls,
      input: this.input,
      output: this.output,
      options: { ...init.limits, optionNames: init.optionNames },
      frameBudget,
      memoryBudget,
      drainTimeoutMs: init.drainTimeoutMs,
      logger,
      fields,
      stats: this.stats,
      onError: init.onError,
      bytesIn: () => this.bytesIn,
      bytesOut: () => this.bytesOut,
    });
    // Added after the agent's own listener: every chunk it is handed is
    // credit given back to the main thread for this socket's input.
    this.input.on('data', (chunk: Buffer) => post({ t: 'consumed', id, bytes: chunk.length }));
  }

  /**
   * Copies the agent's output (its buffers are reused, so they cannot be
   * transferred) into one new buffer whose memory moves to the main thread.
   */
  private send(chunks: Buffer[], callback: () => void): void {
    let size = 0;
    for (const c of chunks) size += c.length;
    const copy = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      copy.set(c, at);
      at += c.length;
    }
    this.unacked += size;
    this.bytesOut += size;
    post({ t: 'data', id: this.id, chunk: copy }, [copy.buffer]);
    if (this.unacked <= OUTPUT_WINDOW) callback();
    else this.waiting = callback;
  }

  acked(bytes: number): void {
    this.unacked -= bytes;
    if (this.waiting !== null && this.unacked <= OUTPUT_WINDOW) {
      const callback = this.waiting;
      this.waiting = null;
      callback();
    }
  }

  /** The socket is gone: the agent sees its output closed and ends at once. */
  gone(): void {
    this.waiting = null;
    this.output.destroy();
    this.input.destroy();
  }
}

async function run(): Promise<void> {
  let cls: UdfClass;
  try {
    cls = await loadUdfClass({ module: init.module, exportName: init.exportName }, init.className, init.moduleLoader, init.fresh);
  } catch (err) {
    post({ t: 'load-failed', error: describeError(err) });
    return;
  }
  // A promise the module's top level left rejected (e.g. a serveSocket call
  // refused in here) is reported after the current task: let that happen
  // before saying ready, so such a module fails to load rather than later.
  await new Promise((resolve) => setImmediate(resolve));
  // This thread is the pool's own program, not the user's process: in a
  // worker thread, `process.on('uncaughtException')` hears only this
  // thread's errors, and the library that started the thread decides what
  // they do (a library must leave the *process* to its program; this is not
  // the process). An error thrown outside any handler call is logged and the
  // thread goes on serving, as udf-run does for in-thread connections:
  // otherwise one stray timer would fail every connection of the thread.
  const onUncaught = (err: unknown): void =>
    logger.error('uncaught error in UDF code (the server keeps running)', { threadId, ...errorFields(err) });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  // The heartbeat: written from this thread's event loop, so it goes stale
  // exactly when this thread is stuck (synchronous code), whatever the main
  // thread is doing. Unref'd: it never keeps the thread alive.
  const heartbeat = new BigInt64Array(init.heartbeat);
  const beat = (): void => void Atomics.store(heartbeat, 0, BigInt(Date.now()));
  beat();
  setInterval(beat, HEARTBEAT_INTERVAL_MS).unref();

  const connections = new Map<number, WorkerSideConnection>();
  /** A reload's class, loaded and waiting for the main thread's 'switch'. */
  let loaded: { generation: number; cls: UdfClass } | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.t === 'stats') {
      post({ t: 'stats', seq: message.seq, connections: statsRegistry?.snapshots() ?? [], partialFrameBytes: frameBudget.used });
      return;
    }
    if (message.t === 'reload') {
      const { generation } = message;
      loadUdfClass({ module: init.module, exportName: init.exportName }, init.className, init.moduleLoader, generation).then(
        (next) => {
          loaded = { generation, cls: next };
          post({ t: 'loaded', generation });
        },
        (err: unknown) => post({ t: 'loaded', generation, error: describeError(err) }),
      );
      return;
    }
    if (message.t === 'switch' || message.t === 'discard') {
      if (loaded?.generation === message.generation && message.t === 'switch') cls = loaded.cls;
      loaded = undefined;
      return;
    }
    if (message.t === 'open') {
      let conn: WorkerSideConnection;
      try {
        conn = new WorkerSideConnection(message.id, cls, message.fields);
      } catch (err) {
        logger.error('could not start a connection', { ...message.fields, ...errorFields(err) });
        post({ t: 'done', id: message.id });
        return;
      }
      connections.set(message.id, conn);
      const finished = (): void => {
        if (conn.stats !== undefined) statsRegistry?.close(conn.stats);
        connections.delete(message.id);
        post({ t: 'done', id: message.id });
      };
      conn.connection.done.then(finished, finished);
      return;
    }
    const conn = connections.get(message.id);
    if (conn === undefined) return; // already over: late bytes, acks or notices are moot
    switch (message.t) {
      case 'data':
        conn.bytesIn += message.chunk.byteLength;
        conn.input.push(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
        break;
      case 'end':
        conn.input.push(null);
        break;
      case 'ack':
        conn.acked(message.bytes);
        break;
      case 'gone':
        conn.gone();
        break;
      case 'abort':
        conn.connection.agent.close(new Error(message.reason));
        break;
    }
  });
  post({ t: 'ready', threadId, heapLimit: getHeapStatistics().heap_size_limit, maxRetainedSize: memoryBudget.limit });
}

void run();
