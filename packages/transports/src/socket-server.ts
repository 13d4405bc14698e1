import * as net from 'node:net';
import * as path from 'node:path';
import { FrameBudget, type Logger, MemoryBudget } from '@kapacitor-udf/core';
import { type ErrorPolicy, getUdfDefinition } from '@kapacitor-udf/decorators';
import { type ConnectionSnapshot, type ServerSnapshot, StatsRegistry } from './connection-stats';
import { InvalidTransportOptionError } from './errors';
import { errorFields } from './field-logger';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_SOCKET_MODE, pickConnectionLimits, type SocketLimits } from './limits';
import { checkLimits, checkServeOptions, resolveLogger, type ServeOptions } from './options';
import { listenOnFd } from './passed-socket';
import { SocketFile, socketDirectoryWarning } from './socket-file';
import { prepareSocketPath } from './socket-path';
import { assertUdfClass, type UdfClass } from './udf-class';
import { startConnection } from './udf-connection';
import { resolveUdfSource } from './udf-module';
import { WorkerPool } from './worker-pool';
import { isUdfWorkerThread } from './worker-protocol';

export interface SocketOptions extends ServeOptions, SocketLimits {
  /** Where to listen. A stale socket file there is replaced; a live server or a non-socket file is refused. */
  path: string;
  /**
   * With `workers`: the file that exports the UDF class (a path, relative to
   * the working directory, or a file: URL; e.g. `__filename`). Unset: the
   * CommonJS module that exports the class is looked up in require's cache.
   */
  module?: string;
  /** With `workers`: the export holding the class (default: the class name, then `module.exports`, then `default`). */
  exportName?: string;
  /**
   * With `workers`: a CommonJS module exporting `loadModuleFile(file): Promise<exports>`,
   * used by the workers to load `module` (udf-run passes its own, which runs TypeScript through ts-node).
   * Default: require(), or import() for ES modules.
   */
  moduleLoader?: string;
  /**
   * Serve this already-listening unix stream socket (a descriptor: systemd
   * socket activation passes 3) instead of binding `path`. The socket file
   * belongs to whoever created it: it is neither chmod-ed nor removed.
   */
  listenFd?: number;
  /** Count each connection's traffic, for `stats()` (udf-run's --metrics and --stats-interval). */
  stats?: boolean;
  /** Overrides the class's `@Udf({ onError })` (udf-run's --on-error). */
  onError?: ErrorPolicy;
  /** Called once when the server stops accepting connections (a graceful close began). */
  onDraining?: () => void;
}

/** A server's counts: every connection's (all worker threads) and its own. */
export interface SocketServerStats {
  connections: ConnectionSnapshot[];
  server: ServerSnapshot;
}

export interface SocketServer {
  /** The absolute socket path. */
  readonly path: string;
  /** Connections currently open. */
  readonly connectionCount: number;
  /** Resolves once the server is closed: listener closed, connections ended, socket file removed. */
  readonly done: Promise<void>;
  /** Stops accepting, lets open connections finish (up to shutdownTimeoutMs), then cuts the rest. */
  close(): Promise<void>;
  /**
   * Stops at once: cuts every open connection without waiting and removes
   * the socket file (udf-run does this on a second signal). Resolves once
   * the socket file is gone; `done` settles when the rest has stopped.
   */
  destroy(): Promise<void>;
  /** Every connection's counts (all worker threads) and the server's own; no connections without the `stats` option. */
  stats(): Promise<SocketServerStats>;
  /**
   * Makes `cls` the class of the connections opened from now on (a reload);
   * open connections keep their instance. With workers, every thread loads
   * the module anew as `generation` first (all or none): rejects, the old
   * class serving on, when one cannot.
   */
  setUdfClass(cls: UdfClass, generation: number): Promise<void>;
}

export { DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_SOCKET_MODE } from './limits';

/** After a shutdown timeout, how long a cut connection may take to flush its ErrorResponse. */
const ABORT_GRACE_MS = 1000;

interface OpenConnection {
  readonly socket: net.Socket;
  /** Ends the conversation from outside; its agent sends `reason.message` as the ErrorResponse. */
  abort(reason: Error): void;
  /** Ends it now, from this thread: an ErrorResponse if the output is still open (workers), or a destroyed socket. */
  cut(reason: Error): void;
  readonly closed: Promise<void>;
}

/**
 * Runs `cls` as a socket UDF: listens on a unix socket and gives every
 * accepted connection its own UDF instance and agent. Connections share
 * nothing, so one failing never touches another or the server.
 */
export async function serveSocket(cls: UdfClass, options: SocketOptions): Promise<SocketServer> {
  if (isUdfWorkerThread()) {
    // The module that defines the class called serveSocket at its top level,
    // and a worker thread is loading it: serving again here would start
    // threads of its own, and so on.
    throw new InvalidTransportOptionError(
      'serveSocket was called inside one of its own worker threads, which load the module that exports the UDF class: ' +
        'call it only when that file runs as the program (if (require.main === module) ...) or from a separate main file',
    );
  }
  assertUdfClass(cls);
  checkServeOptions(options);
  if (typeof options.path !== 'string' || options.path === '') {
    throw new InvalidTransportOptionError('serveSocket needs a path: serveSocket(MyUdf, { path: "/tmp/my.sock" })');
  }
  checkLimits(options, ['socket']);
  const logger = resolveLogger(options);
  const socketPath = path.resolve(options.path);
  const fields = { udf: cls.name, transport: 'socket', path: socketPath };

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  // A connection whose peer is gone ends within this, like a process UDF at the end of its input.
  const drainTimeoutMs = options.drainTimeoutMs ?? shutdownTimeoutMs;

  let pool: WorkerPool | undefined;
  if (options.workers !== undefined && options.workers > 0) {
    const source = resolveUdfSource(cls, options.module, options.exportName);
    // Loaded before the socket exists: a class the workers cannot load is an error now, not per connection.
    pool = await WorkerPool.start({
      size: options.workers,
      source,
      className: cls.name,
      moduleLoader: options.moduleLoader,
      limits: pickConnectionLimits(options),
      drainTimeoutMs,
      optionNames: options.optionNames,
      logger,
      fields,
      stats: options.stats,
      onError: options.onError,
    });
    logger.info('worker threads started', { ...fields, workers: options.workers, module: source.module });
  }

  const server = new UdfSocketServer(cls, options, {
    path: socketPath,
    mode: options.mode ?? DEFAULT_SOCKET_MODE,
    shutdownTimeoutMs,
    drainTimeoutMs,
    logger,
    fields,
    pool,
  });
  try {
    if (options.listenFd === undefined) {
      await prepareSocketPath(socketPath);
      await server.listen();
    } else {
      await server.listenOnFd(options.listenFd);
    }
  } catch (err) {
    await pool?.close();
    throw err;
  }
  return server;
}

/** What serveSocket resolved from its options for the server. */
interface ServerSettings {
  readonly path: string;
  readonly mode: number;
  readonly shutdownTimeoutMs: number;
  /** After a peer ended its input, how long its conversation may take (drainTimeoutMs, resolved). */
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
  readonly fields: Readonly<Record<string, unknown>>;
  /** The worker threads serving the connections; unset: served in this thread. */
  readonly pool: WorkerPool | undefined;
}

/**
 * The server's lifecycle. `starting`: accepting may begin as soon as the
 * socket is bound, before it is announced; `listening`: announced, serving;
 * `draining`: no new connections, open ones finish (or are cut); `closed`:
 * everything stopped, `done` resolved. Only moveTo() changes it.
 */
type ServerState = 'starting' | 'listening' | 'draining' | 'closed';

const NEXT_STATES: Readonly<Record<ServerState, readonly ServerState[]>> = {
  starting: ['listening'],
  listening: ['draining'],
  draining: ['closed'],
  closed: [],
};

/** One socket server: its listener, its socket file, its open connections, and its state. */
class UdfSocketServer implements SocketServer {
  readonly path: string;
  readonly done: Promise<void>;
  private state: ServerState = 'starting';
  // allowHalfOpen: when Kapacitor ends its write side (a clean task stop),
  // the agent sees EOF, calls stop, flushes, and only then ends ours.
  private readonly listener = net.createServer({ allowHalfOpen: true });
  private readonly connections = new Set<OpenConnection>();
  /** One budget for the partial frames of every connection of this thread. */
  private readonly frameBudget: FrameBudget;
  /** One budget for what every connection of this thread holds (without workers; each worker has its own). */
  private readonly memoryBudget: MemoryBudget;
  private nextId = 1;
  /** The class of new connections (a reload replaces it). */
  private udfClass: UdfClass;
  /** Connections' counts (in-thread serving with the `stats` option). */
  private readonly registry: StatsRegistry | undefined;
  private accepted = 0;
  private socketFile: SocketFile | undefined;
  private closing: Promise<void> | undefined;
  private resolveDone: () => void = () => undefined;

  constructor(
    cls: UdfClass,
    private readonly options: SocketOptions,
    private readonly settings: ServerSettings,
  ) {
    this.path = settings.path;
    this.udfClass = cls;
    this.registry = options.stats === true && settings.pool === undefined ? new StatsRegistry() : undefined;
    this.frameBudget = new FrameBudget(options.maxPartialFramesSize);
    this.memoryBudget = new MemoryBudget(options.maxRetainedSize || undefined, options.optionNames);
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.listener.on('connection', (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** starting -> listening: creates the socket file and announces the server. */
  async listen(): Promise<void> {
    const { logger, fields, mode } = this.settings;
    this.socketFile = await SocketFile.listen(this.listener, this.path, mode);
    this.listener.on('error', (err) => logger.error('socket server error', { ...fields, ...errorFields(err) }));
    const directoryWarning = await socketDirectoryWarning(this.path);
    if (directoryWarning !== undefined) logger.warn(directoryWarning, fields);
    // Warned before "listening", which whoever started the server waits for:
    // the warning is then never missed by a reader that stops there.
    if ((mode & 0o007) !== 0) {
      logger.warn(
        `socket mode 0${mode.toString(8)} gives other users access: any local user can connect and feed this UDF; use 660 (owner and group) or 600 unless that is intended`,
        fields,
      );
    }
    this.moveTo('listening');
    logger.info('listening', { ...fields, mode: `0${mode.toString(8)}` });
  }

  /**
   * starting -> listening on a socket someone else bound and listens on
   * (systemd socket activation). Its file is theirs: never chmod-ed or
   * removed here, and it outlives this server.
   */
  async listenOnFd(fd: number): Promise<void> {
    const { logger, fields } = this.settings;
    let bound: string | undefined;
    try {
      bound = await listenOnFd(this.listener, fd);
    } catch (err) {
      throw new InvalidTransportOptionError(
        `listenFd ${fd}: the passed socket is not a listening unix stream socket (${(err as Error).message})`,
      );
    }
    if (bound !== undefined && path.resolve(bound) !== this.path) {
      logger.warn(`the passed socket is ${bound}, not ${this.path}: kapacitor.conf must name the one served`, fields);
    }
    this.listener.on('error', (err) => logger.error('socket server error', { ...fields, ...errorFields(err) }));
    this.moveTo('listening');
    logger.info('listening', { ...fields, activation: 'systemd', fd });
  }

  async stats(): Promise<SocketServerStats> {
    const { pool } = this.settings;
    const fromWorkers = pool !== undefined && this.options.stats === true ? await pool.collectStats() : undefined;
    return {
      connections: fromWorkers?.connections ?? this.registry?.snapshots() ?? [],
      server: {
        openConnections: this.connections.size,
        connections: this.accepted,
        partialFrameBytes: this.frameBudget.used + (fromWorkers?.partialFrameBytes ?? 0),
        workerRestarts: pool?.restarts ?? 0,
      },
    };
  }

  async setUdfClass(cls: UdfClass, generation: number): Promise<void> {
    assertUdfClass(cls);
    await this.settings.pool?.reload(generation);
    this.udfClass = cls;
  }

  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  async destroy(): Promise<void> {
    void this.close();
    for (const c of this.connections) c.socket.destroy();
    await this.socketFile?.remove();
  }

  /** listening -> draining -> closed. */
  private async drain(): Promise<void> {
    const { logger, fields, shutdownTimeoutMs, pool } = this.settings;
    this.moveTo('draining');
    logger.info('shutting down', { ...fields, connections: this.connections.size, timeoutMs: shutdownTimeoutMs });
    this.options.onDraining?.();
    const listenerClosed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    await this.socketFile?.remove();
    if (this.connections.size > 0) {
      const finished = await waitAll(this.connections, shutdownTimeoutMs);
      if (!finished) await cutConnections(this.connections, logger, fields);
    }
    await listenerClosed;
    // Only now: every connection has ended, so no worker has work left.
    await pool?.close();
    this.moveTo('closed');
    logger.info('stopped', fields);
    this.resolveDone();
  }

  private moveTo(next: ServerState): void {
    if (!NEXT_STATES[this.state].includes(next)) throw new Error(`unreachable: socket server ${this.state} -> ${next}`);
    this.state = next;
  }

  /** A new connection: its own conversation, in this thread or on a worker. */
  private accept(socket: net.Socket): void {
    const { logger, pool } = this.settings;
    const fields: Record<string, unknown> = { ...this.settings.fields, connection: this.nextId++ };
    // Without a listener a socket error (Kapacitor vanished: ECONNRESET,
    // EPIPE) would be an uncaught exception taking the server down.
    socket.on('error', (err) => logger.debug('connection socket error', { ...fields, ...errorFields(err) }));
    let abort: (reason: Error) => void;
    let cut: (reason: Error) => void = () => socket.destroy();
    let done: Promise<void>;
    this.accepted++;
    try {
      if (pool !== undefined) {
        ({ abort, cut, done } = pool.attach(socket, fields.connection as number, fields));
      } else {
        const registry = this.registry;
        const stats = registry?.open(fields.connection as number, getUdfDefinition(this.udfClass).name);
        const { agent, done: finished } = startConnection({
          cls: this.udfClass,
          input: socket,
          output: socket,
          options: this.options,
          logger,
          fields,
          frameBudget: this.frameBudget,
          memoryBudget: this.memoryBudget,
          drainTimeoutMs: this.settings.drainTimeoutMs,
          stats,
          onError: this.options.onError,
          bytesIn: () => socket.bytesRead,
          bytesOut: () => socket.bytesWritten,
        });
        abort = (reason) => agent.close(reason);
        done = finished;
        if (stats !== undefined) void finished.catch(() => undefined).then(() => registry?.close(stats));
      }
    } catch (err) {
      logger.error('could not start a connection', { ...fields, ...errorFields(err) });
      socket.destroy();
      return;
    }
    // Open until both the socket closed and the conversation is over (a
    // worker's last log lines may arrive after the socket closed).
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const closed = Promise.all([socketClosed, done.catch(() => undefined)]).then(() => undefined);
    const entry: OpenConnection = { socket, abort, cut, closed };
    this.connections.add(entry);
    void closed.then(() => this.connections.delete(entry));
    // The conversation is over (cleanly or not): once our side has flushed,
    // release the socket even if Kapacitor keeps its own side open.
    void done.catch(() => undefined).then(() => releaseWhenFlushed(socket));
  }
}

/**
 * Ends our side after pending output, then frees the socket even if the peer
 * never closes its side. A lingering close: after our last byte (often an
 * ErrorResponse) the socket is read and discarded until the peer ends its
 * side, for at most LINGER_MS. Destroying a socket with unread input makes
 * the kernel reset the connection, and a reset discards what the peer had
 * not read yet: the ErrorResponse would be lost exactly when it matters.
 */
function releaseWhenFlushed(socket: net.Socket): void {
  if (socket.destroyed) return;
  const linger = (): void => {
    if (socket.destroyed) return;
    if (socket.readableEnded) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.on('data', discard);
    socket.resume();
  };
  if (socket.writableFinished) {
    linger();
    return;
  }
  socket.once('finish', linger);
  socket.end();
}

/** Longest a finished connection is read (and discarded) waiting for the peer to close its side. */
const LINGER_MS = 2000;

function discard(): void {
  // Input after the conversation ended: read only so the close is not a reset.
}

async function waitAll(connections: Set<OpenConnection>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const all = Promise.all([...connections].map((c) => c.closed)).then(() => true as const);
  const finished = await Promise.race([all, timeout]);
  clearTimeout(timer);
  return finished;
}

async function cutConnections(connections: Set<OpenConnection>, logger: Logger, fields: object): Promise<void> {
  logger.warn('shutdown timeout: closing the remaining connections', { ...fields, connections: connections.size });
  const open = [...connections];
  for (const c of open) c.abort(new Error('the UDF server is shutting down'));
  // Give the agents a moment to flush their ErrorResponse, then cut.
  const graceful = await waitAll(connections, ABORT_GRACE_MS);
  // A worker stuck in synchronous code never handles the abort: the main
  // thread writes the ErrorResponse for it (it has whole frames only).
  if (!graceful)
    for (const c of connections) c.cut(new Error('the UDF server is shutting down and this connection did not finish in time'));
  // Bounded: a worker thread stuck in a handler never reports its
  // conversation over; stopping the threads (next) settles those.
  await waitAll(connections, ABORT_GRACE_MS);
}
