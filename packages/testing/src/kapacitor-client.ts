import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type {
  BeginBatch,
  EndBatch,
  InfoResponse,
  InitResponse,
  KeepaliveResponse,
  Point,
  Request,
  Response,
  RestoreResponse,
} from '@kapacitor-udf/core';
import type { Batch } from '@kapacitor-udf/decorators';
import type { Emitted } from './emitted';
import { HarnessError } from './errors';
import { formatResponse } from './format';
import { type DeclaredOptions, type OptionsInput, toInitOptions } from './options';
import { connectUdfSocket } from './udf-socket';
import { type OutputErrorStage, WirePeer } from './wire-peer';

/** A message on the wire, as seen from Kapacitor's side. */
export type Traffic = { direction: 'request'; message: Request } | { direction: 'response'; message: Response };

export interface KapacitorClientOptions {
  /**
   * The UDF's InfoResponse (e.g. from an earlier Info-only connection, as
   * Kapacitor does at startup), used to type TICKscript-style options in
   * `init()`. Without it, `init()` takes raw options only, unless `info()`
   * was called on this client.
   */
  info?: InfoResponse;
  /** Task and node IDs sent with Init (default 'test_task' / 'udf1'). */
  taskID?: string;
  nodeID?: string;
  /** Called for every message sent or received, in order (e.g. to print the conversation). */
  onTraffic?: (traffic: Traffic) => void;
  /**
   * For a UDF running in this process: what its handler threw, if anything.
   * Attached as the `cause` of the HarnessError an ErrorResponse raises, so
   * the handler's own stack trace is at hand.
   */
  errorCause?: () => unknown;
  /** Largest response accepted (default: the core's 64 MiB). */
  maxMessageSize?: number;
}

export interface SpawnOptions extends KapacitorClientOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'collect' (default) keeps the UDF's stderr in `client.stderr`; 'inherit' also prints it. */
  stderr?: 'collect' | 'inherit';
}

type ManagementKind = 'info' | 'init' | 'snapshot' | 'restore';

interface Waiter {
  kind: ManagementKind | 'keepalive';
  /** Hidden answers (the harness's own barriers) are left out of `responses`. */
  hidden: boolean;
  resolve(response: Response): void;
  reject(error: HarnessError): void;
}

/** What a broken output means for Kapacitor, by where it broke. */
const OUTPUT_ERRORS: Record<OutputErrorStage, (err: Error) => string> = {
  framing: (err) => `the UDF's output is not valid framing: ${err.message}`,
  decode: (err) => `the UDF sent a message that does not decode: ${err.message}`,
  end: (err) => `the UDF's output ended in the middle of a message: ${err.message}`,
};

/** Most stderr kept for error messages. */
const STDERR_LIMIT = 64 * 1024;

/**
 * Kapacitor's side of the UDF protocol over any pair of streams: a spawned
 * process UDF's stdin/stdout, a unix socket, or in-memory streams. It sends
 * requests as Kapacitor does, matches answers to the requests that asked for
 * them, keeps everything the UDF sent, and fails (as Kapacitor would abort the
 * task) on an ErrorResponse or on output Kapacitor cannot handle: a Response
 * with nothing set, an EndBatch without BeginBatch, an answer nobody asked for.
 */
export class KapacitorClient {
  /** Every response received, in order (the harness's own barrier answers excepted). */
  readonly responses: Response[] = [];
  /** The data the UDF sent (points, BeginBatch, EndBatch), in order. */
  readonly emitted: Emitted[] = [];

  /** The byte level: framing, decoding, the streams (it records nothing: this client keeps the record). */
  private readonly wire: WirePeer;
  private readonly pending: Waiter[] = [];
  private readonly keepalives = new Map<bigint, Waiter[]>();
  private declared: DeclaredOptions | undefined;
  private batchOpen = false;
  private inputEnded = false;
  private failed: { error: HarnessError; reported: boolean } | undefined;
  private failureListeners: Array<(error: HarnessError) => void> = [];
  private stderrText = '';
  private readonly finished: Promise<void>;

  /**
   * @param toUdf where requests are written (the UDF's input)
   * @param fromUdf where responses are read (the UDF's output)
   * @param child the UDF's process, when spawned: its exit status is checked at close
   */
  constructor(
    toUdf: Writable,
    fromUdf: Readable,
    private readonly options: KapacitorClientOptions = {},
    readonly child?: ChildProcess,
  ) {
    this.declared = options.info?.options;
    let outputEnded!: () => void;
    const outputDone = new Promise<void>((resolve) => (outputEnded = resolve));
    this.wire = new WirePeer(fromUdf, toUdf, {
      maxMessageSize: options.maxMessageSize,
      // This client keeps its own record (without its barrier answers).
      record: false,
      onResponse: (response) => this.receive(response),
      onOutputError: (err, stage) => this.fail('ERR_PROTOCOL_VIOLATION', OUTPUT_ERRORS[stage](err)),
      onReadError: (err) => this.fail('ERR_UDF_CLOSED', `reading from the UDF failed: ${err.message}`),
      onEnd: () => {
        // A process's exit status and stderr explain more: it is checked when the process is gone.
        if (child === undefined) this.failIfUnanswered();
        outputEnded();
      },
      // A process that stopped reading makes writes fail (EPIPE); its exit status and
      // stderr say more, so for a process the exit is what gets reported.
      onWriteError: (err) => {
        if (child === undefined) this.fail('ERR_UDF_CLOSED', `could not write to the UDF: ${err.message}`);
      },
    });
    this.finished = child === undefined ? outputDone : Promise.all([outputDone, this.exitOf(child)]).then(() => undefined);
  }

  /** Starts `command args` as a process UDF and talks to it over its stdin/stdout. */
  static spawn(command: string, args: readonly string[], options: SpawnOptions = {}): KapacitorClient {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new KapacitorClient(child.stdin!, child.stdout!, options, child);
  }

  /** Connects to a socket UDF, as Kapacitor does for each task (and once at startup for Info). */
  static async connect(socketPath: string, options: KapacitorClientOptions = {}): Promise<KapacitorClient> {
    // The same half-open socket as WirePeer.connect: Kapacitor's stop ends only its side.
    const socket = await connectUdfSocket(socketPath);
    return new KapacitorClient(socket, socket, options);
  }

  /** What the spawned UDF wrote to stderr (its log), or '' for other transports. */
  get stderr(): string {
    return this.stderrText;
  }

  /** The error that ended the conversation, if any. */
  get failure(): HarnessError | undefined {
    return this.failed?.error;
  }

  // ---- requests -----------------------------------------------------------

  /** Sends any request as is (no answer is awaited). */
  send(request: Request): void {
    if (this.inputEnded)
      throw new HarnessError('ERR_CLOSED', `cannot send ${request.message?.$case ?? 'an empty request'}: the client was closed`);
    this.options.onTraffic?.({ direction: 'request', message: request });
    this.wire.send(request.message);
  }

  async info(): Promise<InfoResponse> {
    const response = await this.ask('info', { message: { $case: 'info', value: {} } });
    const info = (response.message as { $case: 'info'; value: InfoResponse }).value;
    this.declared ??= info.options;
    return info;
  }

  /**
   * Sends Init. TICKscript-style options (`{ field: ['x', 42.0], size: 10n }`)
   * are typed by the UDF's declared options (from `options.info` or an earlier
   * `info()`); raw `Option[]` are sent exactly as given. Resolves with the
   * InitResponse, successful or not.
   */
  async init(options: OptionsInput = [], ids: { taskID?: string; nodeID?: string } = {}): Promise<InitResponse> {
    let declared = this.declared;
    if (declared === undefined && !Array.isArray(options)) {
      if (Object.keys(options).length > 0) {
        throw new HarnessError(
          'ERR_UNKNOWN_OPTION',
          "init() needs the UDF's option types to send TICKscript-style options: call info() first, pass { info } to the client, or pass raw options",
        );
      }
      declared = {};
    }
    const request: Request = {
      message: {
        $case: 'init',
        value: {
          options: toInitOptions(options, declared ?? {}),
          taskID: ids.taskID ?? this.options.taskID ?? 'test_task',
          nodeID: ids.nodeID ?? this.options.nodeID ?? 'udf1',
        },
      },
    };
    const response = await this.ask('init', request);
    return (response.message as { $case: 'init'; value: InitResponse }).value;
  }

  point(p: Point): void {
    this.send({ message: { $case: 'point', value: p } });
  }

  beginBatch(b: BeginBatch): void {
    this.send({ message: { $case: 'begin', value: b } });
  }

  endBatch(e: EndBatch): void {
    this.send({ message: { $case: 'end', value: e } });
  }

  /** Sends a whole batch: BeginBatch, its points, EndBatch. */
  batch(b: Batch): void {
    this.beginBatch(b.begin);
    for (const p of b.points) this.point(p);
    this.endBatch(b.end);
  }

  /** Sends a keepalive (by default with the current time in ns) and resolves with its echo. */
  async keepalive(time: bigint = BigInt(Date.now()) * 1_000_000n, opts: { hidden?: boolean } = {}): Promise<KeepaliveResponse> {
    const response = await this.ask('keepalive', { message: { $case: 'keepalive', value: { time } } }, opts.hidden ?? false, time);
    return (response.message as { $case: 'keepalive'; value: KeepaliveResponse }).value;
  }

  /** Asks for a snapshot and resolves with its bytes. */
  async snapshot(opts: { hidden?: boolean } = {}): Promise<Uint8Array> {
    const response = await this.ask('snapshot', { message: { $case: 'snapshot', value: {} } }, opts.hidden ?? false);
    return (response.message as { $case: 'snapshot'; value: { snapshot: Uint8Array } }).value.snapshot;
  }

  async restore(snapshot: Uint8Array): Promise<RestoreResponse> {
    const response = await this.ask('restore', { message: { $case: 'restore', value: { snapshot: Buffer.from(snapshot) } } });
    return (response.message as { $case: 'restore'; value: RestoreResponse }).value;
  }

  /**
   * Stops the UDF as Kapacitor does: closes its input (EOF / half-close) and
   * waits until it has closed its output (and, for a process, exited).
   * Resolves with the data it emitted after the close (what its stop flushed);
   * rejects with a failure nobody has seen yet (an ErrorResponse, a bad exit).
   */
  async close(): Promise<Emitted[]> {
    const start = this.emitted.length;
    if (!this.inputEnded) {
      this.inputEnded = true;
      this.wire.endInput();
    }
    await this.finished;
    if (this.failed && !this.failed.reported) {
      this.failed.reported = true;
      throw this.failed.error;
    }
    return this.emitted.slice(start);
  }

  /** Ends the conversation at once (kills a spawned UDF), e.g. in a test's cleanup. */
  destroy(): void {
    this.inputEnded = true;
    this.wire.toUdf.destroy();
    this.child?.kill('SIGKILL');
  }

  /**
   * Resolves or rejects like `promise`, but rejects as soon as the
   * conversation fails (so a wait that depends on the UDF cannot hang on a
   * UDF that already gave up).
   */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.failed) return this.rejectWithFailure();
    return new Promise<T>((resolve, reject) => {
      const listener = (error: HarnessError) => reject(error);
      this.failureListeners.push(listener);
      const unlisten = () => {
        this.failureListeners = this.failureListeners.filter((l) => l !== listener);
      };
      promise.then(
        (value) => {
          unlisten();
          resolve(value);
        },
        (err: unknown) => {
          unlisten();
          reject(err);
        },
      );
    });
  }

  // ---- internals ----------------------------------------------------------

  private rejectWithFailure<T>(): Promise<T> {
    this.failed!.reported = true;
    return Promise.reject(this.failed!.error);
  }

  private ask(kind: Waiter['kind'], request: Request, hidden = false, keepaliveTime?: bigint): Promise<Response> {
    if (this.failed) return this.rejectWithFailure();
    const answer = new Promise<Response>((resolve, reject) => {
      const waiter: Waiter = { kind, hidden, resolve, reject };
      if (keepaliveTime === undefined) {
        this.pending.push(waiter);
      } else {
        const list = this.keepalives.get(keepaliveTime) ?? [];
        list.push(waiter);
        this.keepalives.set(keepaliveTime, list);
      }
    });
    this.send(request);
    return answer;
  }

  private receive(response: Response): void {
    // After a failure Kapacitor has aborted the task: nothing more counts.
    if (this.failed) return;
    this.options.onTraffic?.({ direction: 'response', message: response });
    this.handle(response);
  }

  private handle(response: Response): void {
    const m = response.message;
    if (m === undefined) {
      this.fail('ERR_PROTOCOL_VIOLATION', 'the UDF sent a Response with no message set (Kapacitor cannot handle it)');
      return;
    }
    switch (m.$case) {
      case 'error':
        this.responses.push(response);
        this.fail('ERR_UDF_ERROR', `the UDF sent an ErrorResponse: ${m.value.error}`);
        return;
      case 'begin':
        if (this.batchOpen) {
          this.fail('ERR_PROTOCOL_VIOLATION', `the UDF sent BeginBatch while its previous batch was open: ${formatResponse(response)}`);
          return;
        }
        this.batchOpen = true;
        break;
      case 'end':
        if (!this.batchOpen) {
          this.fail('ERR_PROTOCOL_VIOLATION', `the UDF sent EndBatch without BeginBatch: ${formatResponse(response)}`);
          return;
        }
        this.batchOpen = false;
        break;
      case 'point':
        break;
      case 'keepalive': {
        const list = this.keepalives.get(m.value.time);
        const waiter = list?.shift();
        if (waiter === undefined) {
          this.fail('ERR_PROTOCOL_VIOLATION', `the UDF sent a KeepaliveResponse nobody asked for (time ${m.value.time})`);
          return;
        }
        if (list!.length === 0) this.keepalives.delete(m.value.time);
        if (!waiter.hidden) this.responses.push(response);
        waiter.resolve(response);
        return;
      }
      default: {
        const waiter = this.pending[0];
        if (waiter === undefined || waiter.kind !== m.$case) {
          const expected = waiter === undefined ? 'nothing was asked' : `a ${waiter.kind} answer was expected`;
          this.fail(
            'ERR_PROTOCOL_VIOLATION',
            `the UDF sent a ${m.$case} response, but ${expected} (Kapacitor rejects unrequested responses)`,
          );
          return;
        }
        this.pending.shift();
        if (!waiter.hidden) this.responses.push(response);
        waiter.resolve(response);
        return;
      }
    }
    this.responses.push(response);
    this.emitted.push(m);
  }

  private failIfUnanswered(): void {
    const waiting = [...this.pending, ...[...this.keepalives.values()].flat()];
    if (waiting.length > 0) {
      this.fail('ERR_UDF_CLOSED', `the UDF closed its output without answering ${waiting.map((w) => w.kind).join(', ')}`);
    }
  }

  private exitOf(child: ChildProcess): Promise<void> {
    child.stderr?.on('data', (chunk: Buffer) => {
      if ((this.options as SpawnOptions).stderr === 'inherit') process.stderr.write(chunk);
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_LIMIT);
    });
    return new Promise<void>((resolve) => {
      child.on('error', (err) => {
        this.fail('ERR_UDF_EXIT', `could not start the UDF (${child.spawnfile}): ${err.message}`);
        resolve();
      });
      child.on('close', (code, signal) => {
        if (code !== 0 && !(signal === 'SIGKILL' && this.inputEnded)) {
          this.fail('ERR_UDF_EXIT', `the UDF process exited with ${signal ?? `status ${code}`}`);
        }
        this.failIfUnanswered();
        resolve();
      });
    });
  }

  private fail(code: HarnessError['code'], message: string): void {
    if (this.failed) return;
    const stderr = this.stderrText.trim();
    const cause = code === 'ERR_UDF_ERROR' ? this.options.errorCause?.() : undefined;
    const error = new HarnessError(
      code,
      stderr === '' ? message : `${message}\nUDF stderr (last lines):\n${stderr.split('\n').slice(-20).join('\n')}`,
      { cause },
    );
    const waiters = [...this.pending.splice(0), ...[...this.keepalives.values()].flat()];
    this.keepalives.clear();
    const listeners = this.failureListeners.splice(0);
    this.failed = { error, reported: waiters.length + listeners.length > 0 };
    for (const w of waiters) w.reject(error);
    for (const l of listeners) l(error);
  }
}
