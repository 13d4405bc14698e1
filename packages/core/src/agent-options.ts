/**
 * The Agent's options: what they are, their defaults, and their checks, so
 * that a wrong value is refused by `new Agent()` with a message that names
 * the option.
 */

import { DEFAULT_FRAME_TIMEOUT_MS, FrameBudget } from './frame-budget';
import type { Emitter, Handler } from './handler';
import { createLogger, type Logger } from './logger';
import { MemoryBudget } from './memory-budget';
import type { OptionNames } from './option-names';
import { READ_INTERVAL_MS } from './read-pacer';

export interface AgentOptions {
  /** Where requests come from (stdin, or a socket). */
  input: NodeJS.ReadableStream;
  /** Where responses go (stdout, or the same socket). */
  output: NodeJS.WritableStream;
  /** The UDF, or a factory called once with this agent as its Emitter. */
  handler: Handler | ((emitter: Emitter) => Handler);
  /** Largest accepted request body in bytes (default 64 MiB). */
  maxMessageSize?: number;
  /**
   * Most entries one request may hold (default 65,536): each tag, field and
   * dimension of a point, each tag of a BeginBatch or EndBatch, and every
   * other protobuf field in it. One is counted before it is decoded, and the
   * request over the limit ends the conversation there.
   */
  maxMessageEntries?: number;
  /** Longest an async handler call may take, in ms; 0 (default) = no limit. */
  handlerTimeoutMs?: number;
  /** Default: JSON lines on stderr at level info. */
  logger?: Logger;
  /**
   * Requests kept decoded while an async handler runs (default 1024). Later
   * ones are kept as their bytes (a few times smaller) up to maxQueuedSize.
   */
  maxQueuedRequests?: number;
  /**
   * Bytes of requests kept waiting behind a pending handler (estimated heap
   * bytes of the decoded ones, plus the bytes of those kept as bytes) before
   * the agent stops reading its input (default 64 MiB). Reading on is what
   * lets keepalives behind them be answered while a handler is pending.
   */
  maxQueuedSize?: number;
  /**
   * Shared by every agent of a server: bytes all of them may hold in
   * partially received frames. Default: a budget of this agent's own.
   */
  frameBudget?: FrameBudget;
  /**
   * Shared by every agent of a thread: the retained memory budget (queued
   * requests, partial frames, and what the handler collects through
   * Emitter.retained). Default: this thread's (threadMemoryBudget()).
   */
  memoryBudget?: MemoryBudget;
  /** An incomplete frame with no new byte for this long ends the conversation (default 30 s; 0 = never). */
  frameTimeoutMs?: number;
  /**
   * After the input ended (EOF: a task stop, or a peer that read everything
   * and closed), how long the conversation may take to finish: pending
   * handlers, stop(), flushing. Past it, it ends with an ErrorResponse
   * (DrainTimeoutError) and the output is released. Default 0: no deadline
   * (serveSocket sets the shutdown timeout).
   */
  drainTimeoutMs?: number;
  /**
   * Under sustained load, take input and write output at most about once
   * per this many ms (default 1; 0 = on every chunk and tick). Input or
   * output after a quiet interval is never held. See read-pacer.ts and
   * frame-writer.ts.
   */
  pacingMs?: number;
  /** How error messages name options (default: these option names; udf-run maps them to its flags). */
  optionNames?: OptionNames;
  /**
   * Called with the duration in seconds of one point handler call in
   * POINT_TIME_SAMPLE (until its promise settles, for an async one), for
   * stats. Unset: points are not timed.
   */
  onPointTimed?: (seconds: number) => void;
}

/** Point handler calls timed with onPointTimed: one in this many (a power of two). */
export const POINT_TIME_SAMPLE = 16;

export const DEFAULT_MAX_QUEUED_SIZE = 64 * 1024 * 1024;
/**
 * Default of maxMessageEntries. Per entry, decoding and encoding a huge map
 * costs ~3-4 us of CPU (V8 keeps objects of thousands of keys as hash
 * tables), all on the thread every connection shares: a 63 MB point of
 * 2.6M tags held it ~19 s. 65,536 entries cost ~0.2-0.3 s of CPU at worst
 * (doubles, ints or tags in random order), and no real point comes near.
 */
export const DEFAULT_MAX_MESSAGE_ENTRIES = 65_536;
/** Longest delay a Node timer honours (2^31 - 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** AgentOptions checked, with every default filled in (maxMessageSize is checked by the FrameDecoder). */
export interface ResolvedAgentOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly handler: Handler | ((emitter: Emitter) => Handler);
  readonly maxMessageSize: number | undefined;
  readonly maxMessageEntries: number;
  readonly handlerTimeoutMs: number;
  readonly logger: Logger;
  readonly maxQueuedRequests: number;
  readonly maxQueuedSize: number;
  readonly frameBudget: FrameBudget;
  readonly memoryBudget: MemoryBudget;
  readonly frameTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly pacingMs: number;
  readonly optionNames: OptionNames | undefined;
  readonly onPointTimed: ((seconds: number) => void) | null;
}

/** Checks `options` (throwing TypeError or RangeError naming the option) and fills in the defaults. */
export function resolveAgentOptions(options: AgentOptions): ResolvedAgentOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('new Agent(options): options must be an object');
  const { input, output, handler } = options;
  if (!input || typeof input.on !== 'function') throw new TypeError('new Agent(options): options.input must be a readable stream');
  if (!output || typeof output.write !== 'function') throw new TypeError('new Agent(options): options.output must be a writable stream');
  const timeout = options.handlerTimeoutMs ?? 0;
  if (!Number.isFinite(timeout) || timeout < 0 || timeout > MAX_TIMER_MS) {
    throw new RangeError(
      `handlerTimeoutMs must be a number of milliseconds from 0 (no limit) to ${MAX_TIMER_MS} (about 24.8 days, the longest a Node timer waits), got ${String(timeout)}`,
    );
  }
  const maxQueued = options.maxQueuedRequests ?? 1024;
  if (!Number.isInteger(maxQueued) || maxQueued < 1)
    throw new RangeError(`maxQueuedRequests must be an integer >= 1, got ${String(maxQueued)}`);
  const logger = options.logger ?? createLogger();
  const maxQueuedSize = options.maxQueuedSize ?? DEFAULT_MAX_QUEUED_SIZE;
  if (!Number.isSafeInteger(maxQueuedSize) || maxQueuedSize < 1)
    throw new RangeError(`maxQueuedSize must be an integer >= 1, got ${String(maxQueuedSize)}`);
  const maxEntries = options.maxMessageEntries ?? DEFAULT_MAX_MESSAGE_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new RangeError(`maxMessageEntries must be an integer >= 1, got ${String(maxEntries)}`);
  const frameBudget = options.frameBudget ?? new FrameBudget();
  const frameTimeout = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
  if (!Number.isSafeInteger(frameTimeout) || frameTimeout < 0 || frameTimeout > MAX_TIMER_MS) {
    throw new RangeError(`frameTimeoutMs must be an integer from 0 (no limit) to ${MAX_TIMER_MS} ms, got ${String(frameTimeout)}`);
  }
  const drainTimeout = options.drainTimeoutMs ?? 0;
  if (!Number.isSafeInteger(drainTimeout) || drainTimeout < 0 || drainTimeout > MAX_TIMER_MS) {
    throw new RangeError(`drainTimeoutMs must be an integer from 0 (no limit) to ${MAX_TIMER_MS} ms, got ${String(drainTimeout)}`);
  }
  const pacingMs = options.pacingMs ?? READ_INTERVAL_MS;
  if (!Number.isFinite(pacingMs) || pacingMs < 0)
    throw new RangeError(`pacingMs must be a number of milliseconds >= 0, got ${String(pacingMs)}`);
  return {
    input,
    output,
    handler,
    maxMessageSize: options.maxMessageSize,
    maxMessageEntries: maxEntries,
    handlerTimeoutMs: timeout,
    logger,
    maxQueuedRequests: maxQueued,
    maxQueuedSize,
    frameBudget,
    memoryBudget: options.memoryBudget ?? threadMemoryBudget(),
    frameTimeoutMs: frameTimeout,
    drainTimeoutMs: drainTimeout,
    pacingMs,
    optionNames: options.optionNames,
    onPointTimed: options.onPointTimed ?? null,
  };
}

let threadBudget: MemoryBudget | undefined;

/**
 * This thread's default retained memory budget (half its heap limit), shared
 * by every Agent created without a `memoryBudget` of its own. Module state is
 * per thread: a worker thread gets its own, sized from its own heap limit.
 */
export function threadMemoryBudget(): MemoryBudget {
  threadBudget ??= new MemoryBudget();
  return threadBudget;
}
