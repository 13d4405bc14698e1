/**
 * Messages between the socket server's main thread and its UDF worker
 * threads (`workers` option). The main thread owns the sockets and only moves
 * bytes; a worker runs the agent and the UDF instance of each connection it
 * was given. Every message names its connection by `id` (unique per server).
 *
 * Flow control is credit based in both directions, so memory stays bounded
 * end to end exactly as it does in-thread:
 * - input: the main thread stops reading a socket while more than
 *   INPUT_WINDOW bytes sent to the worker are not yet `consumed` by the agent
 *   (an agent whose output is blocked stops consuming);
 * - output: a worker keeps at most OUTPUT_WINDOW bytes not yet `ack`ed by the
 *   main thread, which acks once the socket took them without asking to wait
 *   (or on its 'drain'); the agent sees an output that does not drain.
 */

import type { LogLevel, OptionNames } from '@kapacitor-udf/core';
import type { ErrorPolicy } from '@kapacitor-udf/decorators';
import type { ConnectionSnapshot } from './connection-stats';
import type { ConnectionLimits } from './limits';

/** Bytes of one connection's input in flight to a worker before the socket is paused. */
export const INPUT_WINDOW = 1024 * 1024;
/** Bytes of one connection's output in flight from a worker before its output stream stops draining. */
export const OUTPUT_WINDOW = 1024 * 1024;

/** What a worker thread needs to load the UDF class and serve connections (its workerData). */
export interface WorkerInit {
  /** Marks a thread of ours, so serveSocket can refuse to run inside one (see isUdfWorkerThread). */
  kapacitorUdfWorker: true;
  /** Absolute path of the module that exports the UDF class. */
  module: string;
  /** The export holding the class: a name, `default`, or `module.exports` (unset: found by the class name). */
  exportName?: string;
  /** The class name in the main thread, checked against what the worker loaded. */
  className: string;
  /** Optional CommonJS module exporting `loadModuleFile(file)`, used instead of require()/import(). */
  moduleLoader?: string;
  /** What every conversation of the thread applies (limits.ts; maxPartialFramesSize is the thread's shared budget). */
  limits: ConnectionLimits;
  /** How error messages name options (ServeOptions.optionNames). */
  optionNames?: OptionNames;
  /** Count each connection's traffic (the main thread asks for the counts with 'stats'). */
  stats?: boolean;
  /** Overrides the class's `@Udf({ onError })`. */
  onError?: ErrorPolicy;
  /** The reload generation to load the module as (a thread started after a reload loads the current code). */
  fresh?: number;
  /** After a peer ended its input, how long its conversation may take (SocketOptions.drainTimeoutMs, resolved). */
  drainTimeoutMs?: number;
  /**
   * The worker's heartbeat (a BigInt64Array(1) over it): the thread stores
   * Date.now() there every HEARTBEAT_INTERVAL_MS from its own event loop.
   * The main thread reads it directly, not through messages, so a busy main
   * thread never takes its own lag for the worker's.
   */
  heartbeat: SharedArrayBuffer;
}

/** How often a worker writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 100;

/** A worker's own event-loop lag: how long ago it last wrote its heartbeat (0 before its first). */
export function heartbeatLag(heartbeat: BigInt64Array, now: number): number {
  const last = Number(Atomics.load(heartbeat, 0));
  return last === 0 ? 0 : Math.max(0, now - last);
}

/**
 * Whether this thread is one of serveSocket's UDF worker threads. Checked
 * through workerData, so it holds across copies of this package.
 */
export function isUdfWorkerThread(): boolean {
  const { isMainThread, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  return !isMainThread && (workerData as Partial<WorkerInit> | undefined)?.kapacitorUdfWorker === true;
}

export type ToWorker =
  | { t: 'open'; id: number; fields: Record<string, unknown> }
  | { t: 'data'; id: number; chunk: Uint8Array }
  /** The peer half-closed: the agent sees EOF. */
  | { t: 'end'; id: number }
  /** The socket is gone: abandon the conversation. */
  | { t: 'gone'; id: number }
  | { t: 'ack'; id: number; bytes: number }
  /** End the conversation from outside with this ErrorResponse message (shutdown timeout). */
  | { t: 'abort'; id: number; reason: string }
  /** Send the counts of every connection (answered with 'stats' and the same seq). */
  | { t: 'stats'; seq: number }
  /**
   * Reload, first step: load the module anew as `generation` and keep the
   * class aside (answered with 'loaded'). Second step, once every thread
   * loaded it: 'switch' makes it the class of new connections, or 'discard'.
   */
  | { t: 'reload'; generation: number }
  | { t: 'switch'; generation: number }
  | { t: 'discard'; generation: number };

export type FromWorker =
  | { t: 'ready'; threadId: number; heapLimit: number; maxRetainedSize: number }
  | { t: 'load-failed'; error: string }
  | { t: 'consumed'; id: number; bytes: number }
  | { t: 'data'; id: number; chunk: Uint8Array }
  /** The agent ended its output: end the socket's write side after the data before it. */
  | { t: 'end'; id: number }
  /** The conversation is over (cleanly or not; the worker logged how). */
  | { t: 'done'; id: number }
  | { t: 'log'; level: LogLevel; msg: string; fields?: object }
  | { t: 'stats'; seq: number; connections: ConnectionSnapshot[]; partialFrameBytes: number }
  /** The module was loaded anew (or not: `error` says why). */
  | { t: 'loaded'; generation: number; error?: string };
