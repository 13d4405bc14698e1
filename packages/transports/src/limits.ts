/**
 * THE table of connection and server limits. Everything else is derived
 * from it: the API option types (ServeOptions, SocketOptions), their checks
 * (checkLimits), what worker threads are started with (pickConnectionLimits),
 * udf-run's flags, their parsing, `--help` and `--describe`, and the
 * settings table of docs/limits.md (a test compares the two).
 *
 * To add a limit:
 * 1. add one entry below: the key is the API option name; `flag` is the
 *    udf-run flag without dashes; `unit` picks the CLI's parser and the
 *    API's range check (a new unit needs a parser in cli/src/args.ts, which
 *    the compiler asks for); `scope` says who uses it (below);
 * 2. use it: `connection` limits reach every agent through
 *    transports/src/udf-connection.ts (and worker threads on their own);
 *    `server` and `socket` ones are read by the server that owns them;
 * 3. add its row to the settings table of docs/limits.md.
 * A flag that is not a limit (a switch, a path, a mode of operation) is
 * declared in cli/src/args.ts instead (see FLAGS there).
 *
 * Defaults live where the code that applies them lives (core, decorators,
 * this package) and are imported here, so there is still one number.
 */
import {
  DEFAULT_FRAME_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_ENTRIES,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_PARTIAL_FRAMES_SIZE,
  DEFAULT_MAX_QUEUED_SIZE,
} from '@kapacitor-udf/core';
import { DEFAULT_MAX_BATCH_POINTS, DEFAULT_MAX_BATCH_SIZE } from '@kapacitor-udf/decorators';

/**
 * What a value counts, which decides how it is written and checked:
 * - `bytes`: a size, >= 1 (CLI: 1048576, 512KiB, 64MiB);
 * - `ms`: a duration, 0 to MAX_TIMER_MS (CLI: 500ms, 10s, 2m; a bare number is ms);
 * - `count`: a whole number >= 1;
 * - `threads`: a number of worker threads (API: 0 = none; CLI: 1 to 256);
 * - `mode`: unix permission bits (CLI: octal, 660).
 */
export type LimitUnit = 'bytes' | 'ms' | 'count' | 'threads' | 'mode';

/**
 * Who uses a limit:
 * - `connection`: every conversation's agent or handler; also sent to worker threads;
 * - `server`: each server itself (serveStdio and serveSocket);
 * - `socket`: serveSocket only (udf-run: only with --socket).
 */
export type LimitScope = 'connection' | 'server' | 'socket';

export interface LimitSpec {
  /** The udf-run flag, without the leading `--`. */
  readonly flag: string;
  readonly unit: LimitUnit;
  readonly scope: LimitScope;
  /** The value that applies when the option is unset (0 for a timeout means none). */
  readonly default: number;
  /** The default as written on the command line (`64MiB`, `10s`), or `none`; docs/limits.md shows the same. */
  readonly defaultText: string;
  /** The `--help` text, without the default (added from defaultText). */
  readonly help: string;
}

/** Permission bits of the socket file: owner and group (Kapacitor's user should be in the group). */
export const DEFAULT_SOCKET_MODE = 0o660;
/** How long open conversations may finish after a stop request (SIGTERM, or EOF for a process UDF). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

// Each entry's doc comment is what an API user sees on the option (the
// option types below are mapped from this object).
export const LIMITS = {
  /** Largest accepted request body in bytes (default: core's 64 MiB). */
  maxMessageSize: {
    flag: 'max-message-size',
    unit: 'bytes',
    scope: 'connection',
    default: DEFAULT_MAX_MESSAGE_SIZE,
    defaultText: '64MiB',
    help: 'largest accepted request (e.g. 1048576, 16MiB)',
  },
  /**
   * Most entries one request may hold: each tag, field and dimension of a
   * point, each tag of a BeginBatch or EndBatch, and any other protobuf
   * field in it (default: core's 65,536). Bounds the time one message takes
   * on the thread every connection shares.
   */
  maxMessageEntries: {
    flag: 'max-message-entries',
    unit: 'count',
    scope: 'connection',
    default: DEFAULT_MAX_MESSAGE_ENTRIES,
    defaultText: '65536',
    help: 'most tags, fields and dimensions (any protobuf fields) one request may hold',
  },
  /** Abort the conversation when one handler call takes longer than this (0 = no limit, the default). */
  handlerTimeoutMs: {
    flag: 'handler-timeout',
    unit: 'ms',
    scope: 'connection',
    default: 0,
    defaultText: 'none',
    help: 'fail the task when one handler call takes longer',
  },
  /** Most points one batch collected for @OnBatch may hold (default 1,000,000). */
  maxBatchPoints: {
    flag: 'max-batch-points',
    unit: 'count',
    scope: 'connection',
    default: DEFAULT_MAX_BATCH_POINTS,
    defaultText: '1000000',
    help: 'most points one batch collected for @OnBatch may hold',
  },
  /** Most request bytes one batch collected for @OnBatch may hold (default 128 MiB). */
  maxBatchSize: {
    flag: 'max-batch-size',
    unit: 'bytes',
    scope: 'connection',
    default: DEFAULT_MAX_BATCH_SIZE,
    defaultText: '128MiB',
    help: 'most bytes of points one collected batch may hold',
  },
  /** Bytes of requests held behind a pending handler (estimated heap bytes of the decoded ones) before input pauses (default 64 MiB). */
  maxQueuedSize: {
    flag: 'max-queued-size',
    unit: 'bytes',
    scope: 'connection',
    default: DEFAULT_MAX_QUEUED_SIZE,
    defaultText: '64MiB',
    help: 'bytes of requests that may wait behind a pending handler before input pauses (keepalives are answered until then)',
  },
  /** Bytes all connections of a thread may hold in partially received frames (default 128 MiB). */
  maxPartialFramesSize: {
    flag: 'max-partial-frames-size',
    unit: 'bytes',
    scope: 'connection',
    default: DEFAULT_MAX_PARTIAL_FRAMES_SIZE,
    defaultText: '128MiB',
    help: 'bytes all connections may hold in partially received frames',
  },
  /**
   * Heap bytes all connections of a thread (the main thread, and each
   * worker) may hold in collected batches, requests queued behind a pending
   * handler and partial frames (estimated heap size of the decoded objects).
   * When exceeded, the connection holding the most is failed. Default (unset
   * or 0): half the thread's heap limit (v8 heap_size_limit; see core's
   * memory-budget.ts for why half).
   */
  maxRetainedSize: {
    flag: 'max-retained-size',
    unit: 'bytes',
    scope: 'connection',
    default: 0,
    defaultText: 'auto',
    help: "heap bytes each thread's connections may hold in collected batches, queued requests and partial frames; over it the connection holding the most is failed (auto: half the heap limit)",
  },
  /** An incomplete frame with no new byte for this long ends its conversation (default 30 s, 0 = never). */
  frameTimeoutMs: {
    flag: 'frame-timeout',
    unit: 'ms',
    scope: 'connection',
    default: DEFAULT_FRAME_TIMEOUT_MS,
    defaultText: '30s',
    help: 'fail a connection whose incomplete frame gets no byte for this long; 0 = never',
  },
  /**
   * After a stop request (close(), udf-run's SIGTERM/SIGINT; a process UDF's
   * end of input), how long pending handlers and open connections may take
   * to finish before they are cut (default 10 s).
   */
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout',
    unit: 'ms',
    scope: 'server',
    default: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    defaultText: '10s',
    help: 'on SIGINT/SIGTERM (and at end of input for a process UDF), how long pending handlers and open connections may finish before they are cut',
  },
  /**
   * After a socket peer ended its input (a task stop; or Kapacitor read
   * everything and closed, which looks the same), how long the conversation
   * may take to finish (pending handlers, stop, flushing) before it ends
   * with an ErrorResponse and the connection is released (default: the
   * shutdown timeout; 0 = no deadline). Without it, a handler that never
   * settles held its connection and fd forever.
   */
  drainTimeoutMs: {
    flag: 'drain-timeout',
    unit: 'ms',
    scope: 'socket',
    default: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    defaultText: '10s',
    help: 'after a peer ended its input, how long its pending handlers may take before the connection is closed (unset: the --shutdown-timeout); 0 = never',
  },
  /** Permission bits of the socket file (default 0o660: owner and group, which Kapacitor's user should be in). */
  mode: {
    flag: 'socket-mode',
    unit: 'mode',
    scope: 'socket',
    default: DEFAULT_SOCKET_MODE,
    defaultText: '660',
    help: 'permission bits of the socket file',
  },
  /**
   * Serve connections on this many worker threads instead of the main
   * thread (default: unset or 0, everything in-thread), for UDFs whose
   * handlers are CPU-heavy. Each connection stays on one worker; the main
   * thread only moves bytes. Workers load the class themselves, from
   * `module` / `exportName`.
   */
  workers: {
    flag: 'workers',
    unit: 'threads',
    scope: 'socket',
    default: 0,
    defaultText: 'none',
    help: "serve the socket's connections on n worker threads, for CPU-heavy UDFs (none: all in the main thread)",
  },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;
type Limits = typeof LIMITS;
type NamesOf<S extends LimitScope> = { [K in LimitName]: Limits[K]['scope'] extends S ? K : never }[LimitName];
/** Limits of one scope as optional API options (each keeps its entry's doc comment). */
type OptionsOf<S extends LimitScope> = { -readonly [K in keyof Limits as K extends NamesOf<S> ? K : never]?: number };

export type ConnectionLimitName = NamesOf<'connection'>;
/** The limits every conversation applies: what the agent, the handler and worker threads get. */
export type ConnectionLimits = OptionsOf<'connection'>;
/** The limits both servers apply to themselves. */
export type ServerLimits = OptionsOf<'server'>;
/** The limits only serveSocket has. */
export type SocketLimits = OptionsOf<'socket'>;

/** Every limit name, in table order (the order of --help and --describe). */
export const LIMIT_NAMES = Object.keys(LIMITS) as LimitName[];

export function limitsOfScope<S extends LimitScope>(scope: S): Array<NamesOf<S>> {
  return LIMIT_NAMES.filter((name) => LIMITS[name].scope === scope) as Array<NamesOf<S>>;
}

/** The connection limits set in `options`, as a plain object (it crosses to worker threads). */
export function pickConnectionLimits(options: ConnectionLimits): ConnectionLimits {
  const picked: ConnectionLimits = {};
  for (const name of limitsOfScope('connection')) {
    if (options[name] !== undefined) picked[name] = options[name];
  }
  return picked;
}
