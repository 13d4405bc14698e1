import { PassThrough, type Readable, type Writable } from 'node:stream';
import { decodeResponse, encodeFrame, encodeRequest, FrameDecoder, type Point, type Request, type Response } from '@kapacitor-udf/core';
import { HarnessError } from './errors';
import { connectUdfSocket } from './udf-socket';

export type RequestMessage = Request['message'];
export type ResponseKind = NonNullable<Response['message']>['$case'];
export type ResponseValue<K extends ResponseKind> = Extract<NonNullable<Response['message']>, { $case: K }>['value'];

/** Where the peer's output went wrong: bad framing, a body that does not decode, or a frame cut off at the end. */
export type OutputErrorStage = 'framing' | 'decode' | 'end';

export interface WirePeerOptions {
  /** Largest response accepted (default: the core's 64 MiB). */
  maxMessageSize?: number;
  /**
   * Keep every response and its raw body in `responses` / `bodies` (default
   * true). A caller that keeps its own record (the KapacitorClient) turns it
   * off, so long conversations are not held twice.
   */
  record?: boolean;
  /** Called for every decoded response, in order. */
  onResponse?: (response: Response) => void;
  /** Called once when the UDF's output stops being valid framing or protobuf (nothing is decoded after it). */
  onOutputError?: (error: Error, stage: OutputErrorStage) => void;
  /** Called once when the UDF's output ended (EOF, close, or a read error). */
  onEnd?: () => void;
  /** Called when reading the UDF's output failed (e.g. ECONNRESET), before `onEnd`. */
  onReadError?: (error: Error) => void;
  /** Called when writing to the UDF failed (e.g. EPIPE after it exited); otherwise such errors are ignored. */
  onWriteError?: (error: Error) => void;
}

/**
 * Kapacitor's side of one conversation at the byte level, over any pair of
 * streams (a process's stdin/stdout, a unix socket, in-memory streams). It
 * writes whatever it is asked to: whole requests, several in one write, or
 * raw bytes (partial frames, garbage), without waiting for answers. It
 * records every response, ErrorResponses included, and whether the output
 * was a clean sequence of whole frames; it judges nothing.
 *
 * This is the layer under `KapacitorClient`, which adds what Kapacitor
 * itself enforces (answers matched to questions, failing on an
 * ErrorResponse). Use it directly to test what a UDF does with input
 * Kapacitor would never send, or to look at every byte it answers.
 */
export class WirePeer {
  /** Every response received, in order (empty when `record` is off). */
  readonly responses: Response[] = [];
  /** The raw body of each response, in order (for byte-exact checks; empty when `record` is off). */
  readonly bodies: Buffer[] = [];
  /** Set when the UDF's output was not valid framing / protobuf, or ended inside a frame. */
  outputError: Error | undefined;
  /** The UDF closed its side (EOF, close, or a read error). */
  ended = false;
  /** Reading the output failed (e.g. ECONNRESET). */
  readError: Error | undefined;

  private readonly decoder: FrameDecoder;
  private readonly record: boolean;
  private readonly waiters = new Set<() => void>();
  private readonly endedPromise: Promise<void>;
  /** How many responses `next()` has handed out. */
  private cursor = 0;

  /**
   * @param fromUdf where responses are read (the UDF's output)
   * @param toUdf where requests are written (the UDF's input)
   */
  constructor(
    readonly fromUdf: Readable,
    readonly toUdf: Writable,
    private readonly options: WirePeerOptions = {},
  ) {
    this.decoder = new FrameDecoder({ maxMessageSize: options.maxMessageSize });
    this.record = options.record ?? true;
    fromUdf.on('data', (chunk: Buffer) => this.receive(chunk));
    this.endedPromise = new Promise<void>((resolve) => {
      const onEnd = (): void => {
        if (this.ended) return;
        this.ended = true;
        if (!this.outputError) {
          try {
            this.decoder.end();
          } catch (err) {
            this.outputFailed(err as Error, 'end');
          }
        }
        options.onEnd?.();
        this.wake();
        resolve();
      };
      fromUdf.on('end', onEnd);
      fromUdf.on('close', onEnd);
      fromUdf.on('error', (err: Error) => {
        this.readError ??= err;
        options.onReadError?.(err);
        onEnd();
      });
    });
    // Writing to a UDF that already gave up fails with EPIPE: the owner decides whether that matters.
    toUdf.on('error', (err: Error) => options.onWriteError?.(err));
  }

  /**
   * A peer over two in-memory streams, for a UDF (e.g. an Agent) running in
   * this process: give it `peer.toUdf` as input and `peer.fromUdf` as output.
   */
  static inMemory(options: WirePeerOptions = {}): InMemoryWirePeer {
    return new WirePeer(new PassThrough(), new PassThrough(), options) as InMemoryWirePeer;
  }

  /**
   * Connects to a socket UDF. The socket allows half-open connections, so
   * `endInput()` half-closes as Kapacitor does and the UDF can still answer.
   */
  static async connect(socketPath: string, options: WirePeerOptions = {}): Promise<WirePeer> {
    const socket = await connectUdfSocket(socketPath);
    return new WirePeer(socket, socket, options);
  }

  // ---- writing --------------------------------------------------------------

  /**
   * Frames and writes requests, all in one write (as Kapacitor's buffered
   * writer may). Returns false when the input is closed or its buffer is full
   * (then wait for 'drain' on `toUdf` before writing much more).
   */
  send(...messages: RequestMessage[]): boolean {
    const frames = messages.map((message) => encodeFrame(encodeRequest({ message })));
    return this.sendRaw(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  /** Writes bytes as they are (partial frames, garbage, recorded traffic). Returns like `send`. */
  sendRaw(bytes: Uint8Array): boolean {
    if (this.toUdf.destroyed || this.toUdf.writableEnded) return false;
    return this.toUdf.write(bytes);
  }

  /** Sends one point (as Kapacitor does, without waiting for anything). */
  point(p: Point): boolean {
    return this.send({ $case: 'point', value: p });
  }

  /** EOF on a pipe, half-close on a socket: how Kapacitor stops a task. */
  endInput(): void {
    if (!this.toUdf.writableEnded) this.toUdf.end();
  }

  // ---- reading --------------------------------------------------------------

  /** The kind of each response so far ('none' for a Response with nothing set). */
  kinds(): string[] {
    return this.responses.map((r) => r.message?.$case ?? 'none');
  }

  count(kind: ResponseKind): number {
    return this.responses.filter((r) => r.message?.$case === kind).length;
  }

  /** The values of every response of one kind, e.g. every emitted point. */
  of<K extends ResponseKind>(kind: K): ResponseValue<K>[] {
    const out: ResponseValue<K>[] = [];
    for (const r of this.responses) if (r.message?.$case === kind) out.push(r.message.value as ResponseValue<K>);
    return out;
  }

  /** Resolves once the UDF closed its output; rejects after timeoutMs. */
  async closed(timeoutMs = 15_000): Promise<void> {
    await withTimeout(
      this.endedPromise,
      timeoutMs,
      () => `the UDF did not close its output within ${timeoutMs} ms (got ${this.responses.length} responses)`,
    );
  }

  /** Waits until `predicate()` holds (re-checked on every response and at the end); rejects when it cannot any more or after timeoutMs. */
  async until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return;
    // Once the output ended (or broke) nothing more will come: fail now rather than at the timeout.
    if (!this.ended && !this.outputError) {
      let wake!: () => void;
      const changed = (): void => {
        if (predicate() || this.ended || this.outputError) wake();
      };
      const ready = new Promise<void>((resolve) => (wake = resolve));
      this.waiters.add(changed);
      try {
        await withTimeout(
          ready,
          timeoutMs,
          () =>
            `timed out after ${timeoutMs} ms waiting for ${what} (got ${this.responses.length} responses, ended=${this.ended}): ${summarize(this.responses)}`,
        );
      } finally {
        this.waiters.delete(changed);
      }
    }
    if (!predicate()) {
      const why = this.outputError ? `bad output (${this.outputError.message})` : `the UDF closed after ${this.responses.length} responses`;
      throw new HarnessError('ERR_UDF_CLOSED', `${what} never happened: ${why}: ${summarize(this.responses)}`);
    }
  }

  /** Resolves with the first `count` responses once that many arrived. */
  async waitFor(count: number, timeoutMs = 15_000): Promise<Response[]> {
    await this.until(() => this.responses.length >= count, `${count} responses`, timeoutMs);
    return this.responses.slice(0, count);
  }

  /** The next response not yet taken by `next`/`nextOf`/`take`/`rest`; rejects when the UDF closed first. */
  async next(timeoutMs = 15_000): Promise<Response> {
    await this.until(() => this.cursor < this.responses.length, 'the next response', timeoutMs);
    return this.responses[this.cursor++];
  }

  /** The value of the next response of one kind, skipping (and taking) responses of other kinds. */
  async nextOf<K extends ResponseKind>(kind: K, timeoutMs = 15_000): Promise<ResponseValue<K>> {
    const found = (): boolean => {
      while (this.cursor < this.responses.length && this.responses[this.cursor].message?.$case !== kind) this.cursor++;
      return this.cursor < this.responses.length;
    };
    await this.until(found, `a ${kind} response`, timeoutMs);
    return this.responses[this.cursor++].message!.value as ResponseValue<K>;
  }

  /** The next `count` responses. */
  async take(count: number, timeoutMs = 15_000): Promise<Response[]> {
    await this.until(() => this.responses.length - this.cursor >= count, `${count} more responses`, timeoutMs);
    const out = this.responses.slice(this.cursor, this.cursor + count);
    this.cursor += count;
    return out;
  }

  /** Every response not yet taken, once the UDF closed its output; rejects when the output was not valid. */
  async rest(timeoutMs = 15_000): Promise<Response[]> {
    await this.closed(timeoutMs);
    if (this.outputError) throw this.outputError;
    const out = this.responses.slice(this.cursor);
    this.cursor = this.responses.length;
    return out;
  }

  // ---- internals ------------------------------------------------------------

  private receive(chunk: Buffer): void {
    if (this.outputError) return;
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.outputFailed(err as Error, 'framing');
      this.wake();
      return;
    }
    for (const body of frames) {
      let response: Response;
      try {
        response = decodeResponse(body);
      } catch (err) {
        this.outputFailed(err as Error, 'decode');
        break;
      }
      if (this.record) {
        this.bodies.push(Buffer.from(body));
        this.responses.push(response);
      }
      this.options.onResponse?.(response);
      if (this.outputError) break;
    }
    this.wake();
  }

  private outputFailed(error: Error, stage: OutputErrorStage): void {
    this.outputError = error;
    this.options.onOutputError?.(error, stage);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** A WirePeer over two PassThroughs: both ends can be read and written (the UDF's side uses the other direction). */
export type InMemoryWirePeer = WirePeer & { readonly fromUdf: PassThrough; readonly toUdf: PassThrough };

/** Like `promise`, but rejects with a HarnessError (ERR_TIMEOUT) carrying `message()` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HarnessError('ERR_TIMEOUT', message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The kinds of the first responses and the last error, for failure messages. */
export function summarize(responses: readonly Response[]): string {
  const kinds = responses.map((r) => r.message?.$case ?? '(none)');
  const last = responses[responses.length - 1];
  const error = last?.message?.$case === 'error' ? ` last error: ${last.message.value.error}` : '';
  return `[${kinds.slice(0, 20).join(', ')}${kinds.length > 20 ? `, ... ${kinds.length} total` : ''}]${error}`;
}
