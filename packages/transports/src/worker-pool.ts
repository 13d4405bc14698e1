import * as fs from 'node:fs';
import type * as net from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeFrame, encodeResponse, type Logger, type OptionNames } from '@kapacitor-udf/core';
import { describeError, nameOption } from '@kapacitor-udf/core/internal';
import type { ErrorPolicy } from '@kapacitor-udf/decorators';
import type { ConnectionSnapshot } from './connection-stats';
import { WorkerStartError } from './errors';
import { errorFields } from './field-logger';
import type { ConnectionLimits } from './limits';
import type { UdfSource } from './udf-module';
import { workerOldGenerationMb } from './worker-heap';
import { type FromWorker, HEARTBEAT_INTERVAL_MS, heartbeatLag, INPUT_WINDOW, type ToWorker, type WorkerInit } from './worker-protocol';

export interface WorkerPoolOptions {
  size: number;
  source: UdfSource;
  className: string;
  moduleLoader?: string;
  /** What every conversation applies; sent to each thread as it starts. */
  limits: ConnectionLimits;
  /** After a peer ended its input, how long its conversation may take (resolved by the socket server). */
  drainTimeoutMs?: number;
  optionNames?: OptionNames;
  logger: Logger;
  fields: Record<string, unknown>;
  /** Count each connection's traffic in the workers (collectStats() reads it). */
  stats?: boolean;
  onError?: ErrorPolicy;
}

/** What every worker's connections and partial frames add up to, for one scrape. */
export interface WorkerStats {
  connections: ConnectionSnapshot[];
  partialFrameBytes: number;
}

/** How long a scrape waits for a busy worker's counts before using the last ones it sent. */
const STATS_TIMEOUT_MS = 1000;
/** How long a reload waits for every worker to load the module anew. */
const RELOAD_TIMEOUT_MS = 60_000;

/** A connection served by a worker, as the socket server sees it. */
export interface WorkerConnection {
  /** Settles when the conversation is over (the worker finished it, or died). */
  readonly done: Promise<void>;
  /** Ends the conversation from outside: the agent sends `reason.message` as the ErrorResponse. */
  abort(reason: Error): void;
  /** Ends it from the main thread: an ErrorResponse unless the worker already ended the output, then the socket is released. */
  cut(reason: Error): void;
}

/**
 * A worker that died before it was ready, or within this long after, is
 * replaced only after this long again: no busy restart loop when every new
 * thread dies at once.
 */
const RESTART_DELAY_MS = 1000;

/** A worker whose own event loop has not run for longer than this gets no new connection while another can take it. */
const UNRESPONSIVE_LAG_MS = 1000;

/** The main thread's view of one connection: its socket and the credit of both directions. */
interface Routed {
  readonly id: number;
  readonly socket: net.Socket;
  readonly slot: Slot;
  /** Input bytes sent to the worker and not yet consumed by its agent. */
  inFlight: number;
  inputPaused: boolean;
  /** Output bytes written while the socket asked to wait: acked on its 'drain'. */
  ackOnDrain: number;
  /** The worker ended our side (after an ErrorResponse or a clean stop): nothing more may be written. */
  outputEnded: boolean;
  finish(): void;
}

/** One worker thread and the connections it serves. Replaced (same index) when the thread dies. */
interface Slot {
  readonly index: number;
  worker: Worker;
  ready: boolean;
  readyAt: number;
  threadId?: number;
  readonly connections: Map<number, Routed>;
  /** The thread's heartbeat (worker-protocol.ts), read without messages. */
  heartbeat: BigInt64Array;
  /** Set when the watchdog terminated the thread: why its connections fail. */
  killedBecause?: string;
  /** The last counts this thread sent (used when it does not answer in time, e.g. a handler hogs it). */
  lastStats?: WorkerStats;
}

/**
 * Runs the connections of a socket server on `size` worker threads. The main
 * thread keeps every socket (a net.Socket cannot move to another thread),
 * and only moves bytes: socket input goes to the worker owning the
 * connection, the worker's output comes back and is written to the socket,
 * with credit-based flow control both ways (worker-protocol.ts).
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private closing = false;
  /** All first workers are ready: from now on a dead worker is replaced instead of failing start(). */
  private started = false;
  private readonly entry = workerEntry();

  private watchdog: NodeJS.Timeout | undefined;
  /** Threads started again after one stopped. */
  restarts = 0;
  /** The reload generation workers load the module as (0: never reloaded). */
  private generation = 0;
  private statsSeq = 0;
  private readonly statsWaiters = new Map<string, (stats: WorkerStats) => void>();
  private readonly loadWaiters = new Map<string, (error: string | undefined) => void>();

  private constructor(private readonly options: WorkerPoolOptions) {
    const timeout = options.limits.handlerTimeoutMs ?? 0;
    if (timeout > 0) {
      // A handler stuck in synchronous code blocks its whole thread: the
      // agent's own timer cannot fire there. The main thread reads every
      // thread's heartbeat and terminates one whose own event loop has not
      // run for longer than the handler timeout (plus a heartbeat and a
      // check interval of slack). The heartbeat is the worker's own clock:
      // a main thread that was busy itself (writing a flood of log lines)
      // sees the workers' true lag when it looks again, not its own.
      const interval = Math.max(10, Math.min(1000, Math.floor(timeout / 4)));
      this.watchdog = setInterval(() => this.checkThreads(timeout + HEARTBEAT_INTERVAL_MS + interval), interval);
      this.watchdog.unref();
    }
  }

  private checkThreads(maxLag: number): void {
    const now = Date.now();
    const timeout = this.options.limits.handlerTimeoutMs ?? 0;
    for (const slot of this.slots) {
      if (!slot.ready || slot.killedBecause !== undefined) continue;
      if (heartbeatLag(slot.heartbeat, now) > maxLag) {
        slot.killedBecause =
          `the UDF worker thread serving this connection was stuck in synchronous code for more than ${timeout} ms ` +
          `(the handler timeout; a handler that never returns, or a long computation: raise ${nameOption(this.options.optionNames, 'handlerTimeoutMs')} if it is legitimate)`;
        this.options.logger.error(slot.killedBecause, { ...this.options.fields, worker: slot.index, connections: slot.connections.size });
        void slot.worker.terminate();
      }
    }
  }

  /** Starts every worker and resolves once all loaded the UDF class; rejects (workers stopped) when one cannot. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < options.size; i++) ready.push(pool.spawn(i));
    try {
      await Promise.all(ready);
      pool.started = true;
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Thread IDs of the live workers (for logs and tests). */
  get threadIds(): number[] {
    return this.slots.filter((s) => s.ready).map((s) => s.threadId as number);
  }

  /** Starts the worker for slot `index`; resolves when it loaded the UDF class, rejects when it could not. */
  private spawn(index: number): Promise<void> {
    const { options } = this;
    const init: WorkerInit = {
      kapacitorUdfWorker: true,
      module: options.source.module,
      exportName: options.source.exportName,
      className: options.className,
      moduleLoader: options.moduleLoader,
      limits: options.limits,
      optionNames: options.optionNames,
      stats: options.stats,
      onError: options.onError,
      ...(this.generation > 0 ? { fresh: this.generation } : {}),
      drainTimeoutMs: options.drainTimeoutMs,
      heartbeat: new SharedArrayBuffer(8),
    };
    const worker = new Worker(this.entry.file, {
      workerData: init,
      execArgv: this.entry.execArgv,
      // A share of the machine, not V8's default per thread (worker-heap.ts).
      resourceLimits: { maxOldGenerationSizeMb: workerOldGenerationMb(options.size) },
    });
    const heartbeat = new BigInt64Array(init.heartbeat);
    const existing = this.slots[index];
    const slot: Slot = existing ?? { index, worker, ready: false, readyAt: 0, connections: new Map(), heartbeat };
    slot.worker = worker;
    slot.heartbeat = heartbeat;
    slot.ready = false;
    slot.killedBecause = undefined;
    this.slots[index] = slot;
    const log = { ...options.fields, worker: index };

    return new Promise<void>((resolve, reject) => {
      let lastError: unknown;
      worker.on('message', (message: FromWorker) => {
        if (message.t === 'ready') {
          slot.ready = true;
          slot.readyAt = Date.now();
          slot.threadId = message.threadId;
          options.logger.debug('worker thread ready', {
            ...log,
            threadId: message.threadId,
            heapLimit: message.heapLimit,
            maxRetainedSize: message.maxRetainedSize,
          });
          resolve();
        } else if (message.t === 'load-failed') {
          lastError = new WorkerStartError(options.className, options.source.module, message.error);
          reject(lastError);
          void worker.terminate();
        } else {
          this.onMessage(slot, message);
        }
      });
      // Without a listener, an error that kills the worker would be thrown in the main thread.
      worker.on('error', (err) => {
        lastError = err;
        options.logger.error('worker thread failed', { ...log, ...errorFields(err) });
      });
      worker.on('exit', (code) => {
        if (slot.worker !== worker) return;
        const wasReady = slot.ready;
        slot.ready = false;
        const why = slot.killedBecause ?? (lastError === undefined ? `the thread exited with code ${code}` : describeError(lastError));
        reject(lastError instanceof WorkerStartError ? lastError : new WorkerStartError(options.className, options.source.module, why));
        if (this.closing) {
          // Stopped by close(): its connections were cut already; nothing more will come for them.
          for (const routed of [...slot.connections.values()]) routed.finish();
          return;
        }
        if (!this.started) return; // start() fails with the reason
        options.logger.error('worker thread stopped unexpectedly: failing its connections and starting a new one', {
          ...log,
          connections: slot.connections.size,
          reason: why,
        });
        const failure =
          slot.killedBecause !== undefined ? `${why}; it was replaced` : `the UDF worker thread stopped unexpectedly (${why})`;
        for (const routed of [...slot.connections.values()]) this.failConnection(routed, failure);
        const restart = (): void => {
          if (this.closing) return;
          this.restarts++;
          this.spawn(index).catch((err: unknown) =>
            options.logger.error('could not restart a worker thread', { ...log, ...errorFields(err) }),
          );
        };
        if (wasReady && Date.now() - slot.readyAt >= RESTART_DELAY_MS) restart();
        else setTimeout(restart, RESTART_DELAY_MS).unref();
      });
    });
  }

  /** Hands `socket` to the least busy worker. */
  attach(socket: net.Socket, id: number, fields: Record<string, unknown>): WorkerConnection {
    const slot = this.leastBusy();
    fields.worker = slot.index;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const routed: Routed = {
      id,
      socket,
      slot,
      inFlight: 0,
      inputPaused: false,
      ackOnDrain: 0,
      outputEnded: false,
      finish: () => {
        if (slot.connections.get(id) !== routed) return;
        slot.connections.delete(id);
        finish();
      },
    };
    slot.connections.set(id, routed);
    const send = (message: ToWorker, transfer?: ArrayBuffer[]): void => {
      if (slot.connections.get(id) === routed) slot.worker.postMessage(message, transfer);
    };
    send({ t: 'open', id, fields });

    socket.on('data', (chunk: Buffer) => {
      // A socket read gets its own buffer: hand its memory over instead of
      // copying it (anything sharing a larger buffer is copied first).
      const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
      routed.inFlight += own.length;
      send({ t: 'data', id, chunk: own }, [own.buffer as ArrayBuffer]);
      if (routed.inFlight >= INPUT_WINDOW && !routed.inputPaused) {
        routed.inputPaused = true;
        socket.pause();
      }
    });
    socket.on('end', () => send({ t: 'end', id }));
    socket.on('close', () => send({ t: 'gone', id }));
    socket.on('drain', () => {
      if (routed.ackOnDrain === 0) return;
      const bytes = routed.ackOnDrain;
      routed.ackOnDrain = 0;
      send({ t: 'ack', id, bytes });
    });
    return {
      done,
      abort: (reason) => send({ t: 'abort', id, reason: reason.message }),
      cut: (reason) => {
        this.failConnection(routed, reason.message);
        send({ t: 'gone', id });
        socket.destroySoon();
      },
    };
  }

  /**
   * The responsive worker with the fewest connections. A worker whose own
   * event loop has not run for UNRESPONSIVE_LAG_MS (stuck in a CPU loop, or
   * busy with a long computation) gets no new connection while another can
   * take it: counting connections only, a new task was handed to a stuck
   * worker and never got its Init answer. When none is responsive, the
   * least lagging one takes it (its messages wait until it runs).
   */
  private leastBusy(): Slot {
    const now = Date.now();
    // Lower is better: responsive first, then live (a worker being restarted
    // still takes connections, its messages queue until it runs), then
    // fewer connections, then less lag.
    const rank = (s: Slot): [number, number, number] => {
      const lag = s.ready ? heartbeatLag(s.heartbeat, now) : Number.POSITIVE_INFINITY;
      return [lag > UNRESPONSIVE_LAG_MS ? 1 : 0, s.connections.size, lag];
    };
    let best = this.slots[0];
    let bestRank = rank(best);
    for (const slot of this.slots) {
      const r = rank(slot);
      if (r[0] < bestRank[0] || (r[0] === bestRank[0] && (r[1] < bestRank[1] || (r[1] === bestRank[1] && r[2] < bestRank[2])))) {
        best = slot;
        bestRank = r;
      }
    }
    if (bestRank[0] === 1) {
      this.options.logger.warn('every worker thread is busy (its event loop has not run for over 1 s): the new connection waits for one', {
        ...this.options.fields,
        worker: best.index,
        lagMs: Number.isFinite(bestRank[2]) ? bestRank[2] : undefined,
      });
    }
    return best;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.t === 'log') {
      this.options.logger[message.level](message.msg, message.fields);
      return;
    }
    if (message.t === 'stats') {
      const stats = { connections: message.connections, partialFrameBytes: message.partialFrameBytes };
      for (const c of stats.connections) c.worker = slot.index;
      slot.lastStats = stats;
      this.statsWaiters.get(`${slot.index}:${message.seq}`)?.(stats);
      return;
    }
    if (message.t === 'loaded') {
      this.loadWaiters.get(`${slot.index}:${message.generation}`)?.(message.error);
      return;
    }
    if (message.t === 'ready' || message.t === 'load-failed') return;
    const routed = slot.connections.get(message.id);
    if (routed === undefined) return;
    const { socket } = routed;
    switch (message.t) {
      case 'consumed':
        routed.inFlight -= message.bytes;
        if (routed.inputPaused && routed.inFlight <= INPUT_WINDOW / 2) {
          routed.inputPaused = false;
          socket.resume();
        }
        break;
      case 'data': {
        const bytes = message.chunk.byteLength;
        if (socket.destroyed || socket.writableEnded) {
          // Nobody to write to: the worker hears 'gone'; don't leave it waiting meanwhile.
          slot.worker.postMessage({ t: 'ack', id: routed.id, bytes } satisfies ToWorker);
        } else if (socket.write(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, bytes))) {
          slot.worker.postMessage({ t: 'ack', id: routed.id, bytes } satisfies ToWorker);
        } else {
          routed.ackOnDrain += bytes;
        }
        break;
      }
      case 'end':
        routed.outputEnded = true;
        if (!socket.destroyed) socket.end();
        break;
      case 'done':
        routed.finish();
        break;
    }
  }

  /**
   * The worker died with this connection open: its agent is gone, so the
   * ErrorResponse Kapacitor needs is written from here. The worker hands
   * over whole frames only (the agent writes complete frames), so appending
   * one is safe.
   */
  private failConnection(routed: Routed, message: string): void {
    const { socket } = routed;
    if (!socket.destroyed && !routed.outputEnded && !socket.writableEnded) {
      socket.write(encodeFrame(encodeResponse({ message: { $case: 'error', value: { error: message } } })));
      socket.end();
    }
    if (routed.inputPaused) socket.resume();
    routed.finish();
  }

  /**
   * Every worker's connection counts. A worker that does not answer within
   * STATS_TIMEOUT_MS (stuck in a long handler call) is represented by the
   * last counts it sent, so a scrape is never held up by one busy thread.
   */
  async collectStats(): Promise<WorkerStats> {
    const seq = ++this.statsSeq;
    const replies = this.slots.map((slot) => {
      const last = slot.lastStats ?? { connections: [], partialFrameBytes: 0 };
      if (!slot.ready) return Promise.resolve(last);
      return askWorker(this.statsWaiters, `${slot.index}:${seq}`, STATS_TIMEOUT_MS, last, () =>
        slot.worker.postMessage({ t: 'stats', seq } satisfies ToWorker),
      );
    });
    const all = await Promise.all(replies);
    return { connections: all.flatMap((s) => s.connections), partialFrameBytes: all.reduce((sum, s) => sum + s.partialFrameBytes, 0) };
  }

  /**
   * Reloads the UDF module in every worker, all or none: each loads it anew
   * and keeps the class aside; only when all succeeded do they switch to it
   * (for new connections). Rejects with the first worker's error otherwise,
   * every worker keeping the code it had. A worker started later loads the
   * module as this generation.
   */
  async reload(generation: number): Promise<void> {
    const live = this.slots.filter((s) => s.ready);
    const results = await Promise.all(
      live.map((slot) =>
        askWorker(
          this.loadWaiters,
          `${slot.index}:${generation}`,
          RELOAD_TIMEOUT_MS,
          `worker ${slot.index} did not load the module within ${RELOAD_TIMEOUT_MS / 1000} s`,
          () => slot.worker.postMessage({ t: 'reload', generation } satisfies ToWorker),
        ),
      ),
    );
    const failed = results.find((r) => r !== undefined);
    for (const slot of live) slot.worker.postMessage({ t: failed === undefined ? 'switch' : 'discard', generation } satisfies ToWorker);
    if (failed !== undefined) throw new Error(failed);
    this.generation = generation;
  }

  /** Stops every worker (call after the connections ended). */
  async close(): Promise<void> {
    this.closing = true;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/**
 * Sends a request to a worker (`post`) and resolves with its reply, which
 * the message handler delivers through `waiters.get(key)`; or with
 * `onTimeout` after `timeoutMs`, so that one stuck worker never holds the
 * caller up. The waiter is removed either way.
 */
function askWorker<T>(
  waiters: Map<string, (reply: T) => void>,
  key: string,
  timeoutMs: number,
  onTimeout: T,
  post: () => void,
): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(key);
      resolve(onTimeout);
    }, timeoutMs);
    waiters.set(key, (reply) => {
      clearTimeout(timer);
      waiters.delete(key);
      resolve(reply);
    });
    post();
  });
}

/**
 * The worker's script: the compiled worker-main.js next to this file, or,
 * when running from TypeScript sources (tests through ts-jest), worker-main.ts
 * through ts-node.
 */
function workerEntry(): { file: string; execArgv?: string[] } {
  const compiled = path.join(__dirname, 'worker-main.js');
  if (fs.existsSync(compiled)) return { file: compiled };
  return { file: path.join(__dirname, 'worker-main.ts'), execArgv: ['--require', 'ts-node/register/transpile-only'] };
}
