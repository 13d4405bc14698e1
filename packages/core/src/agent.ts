import { performance } from 'node:perf_hooks';
import { type AgentOptions, POINT_TIME_SAMPLE, resolveAgentOptions } from './agent-options';
import { decodePointRequestAt, decodeRequestAt } from './codec';
import {
  BatchOrderError,
  DrainTimeoutError,
  describeError,
  HandlerError,
  HandlerTimeoutError,
  InputError,
  OutputClosedError,
  ProtocolError,
  type RequestKind,
  SnapshotTooLargeError,
} from './errors';
import { FrameDecoder } from './frame-decoder';
import { FrameWriter } from './frame-writer';
import type { Emitter, Handler } from './handler';
import type { Logger } from './logger';
import type { RetainedAccount } from './memory-budget';
import { nameOption, type OptionNames } from './option-names';
import { PartialFrame } from './partial-frame';
import type { BeginBatch, EndBatch, Point, Request, Response } from './protocol/udf';
import { lowerReadAhead, ReadPacer } from './read-pacer';
import { EOF, QueuedBody, RequestQueue } from './request-queue';
import { isThenable, type Thenable } from './thenable';

export type { AgentOptions } from './agent-options';

const POINT_TIME_MASK = POINT_TIME_SAMPLE - 1;

const PAUSE_OUTPUT = 1; // output.write() returned false
const PAUSE_QUEUE = 2; // more than maxQueuedSize (estimated heap) bytes of requests waiting for an async handler
const PAUSE_PACE = 4; // input held until the pacing interval is over (read-pacer.ts)

type Reply = 'info' | 'init' | 'snapshot' | 'restore';

/*
 * The conversation's lifecycle. States only move forward, in this order,
 * and only through Agent.moveTo(), which also does what entering each one
 * takes:
 *
 *   open -> draining -> stopping -> ending -> settled
 *
 * - open: input is read (once start() was called) and requests handled.
 * - draining: input is no longer read (EOF, close(), an input error, a
 *   failure); requests received before are still handled, then the marker
 *   queued behind them (EOF or the error) is reached.
 * - stopping: handler.stop() was called (EOF reached); no other handler call.
 * - ending: the output is being ended (after stop(), or after a failure and
 *   its ErrorResponse); nothing more is written.
 * - settled: over; start()'s promise is resolved or rejected.
 *
 * A failure (fail()) skips ahead: it stops reading (open -> draining) and
 * goes on to ending, or straight to settled when the output itself is
 * broken (or was already ending). Whether a handler call is pending
 * (pendingCall) and why input is paused (pauseReasons) are separate: they
 * change within a state.
 */
const OPEN = 0;
const DRAINING = 1;
const STOPPING = 2;
const ENDING = 3;
const SETTLED = 4;
type LifecycleState = typeof OPEN | typeof DRAINING | typeof STOPPING | typeof ENDING | typeof SETTLED;
const STATE_NAMES = ['open', 'draining', 'stopping', 'ending', 'settled'] as const;
/** Agent.state: where the conversation is in its lifecycle (see agent.ts). */
export type AgentState = (typeof STATE_NAMES)[number];

/**
 * Runs one conversation with Kapacitor: reads framed Requests from `input`,
 * calls the handler strictly in arrival order (sync results are used at
 * once, promises awaited), answers keepalives even while an async handler is
 * pending, and writes framed Responses to `output`, coalesced into few
 * writes. See docs/architecture.md for the contract.
 */
export class Agent implements Emitter {
  readonly handler: Handler;
  private readonly input: NodeJS.ReadableStream;
  private readonly output: NodeJS.WritableStream;
  private readonly logger: Logger;
  private readonly decoder: FrameDecoder;
  private readonly writer: FrameWriter;
  private readonly pacer: ReadPacer;
  /** A request was completed by the chunk being handled (for the pacer). */
  private framesInChunk = false;
  private readonly handlerTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  /** How error messages name options (AgentOptions.optionNames). */
  private readonly optionNames: OptionNames | undefined;
  /** Runs from the input's end until the conversation settled (drainTimeoutMs > 0). */
  private drainTimer: NodeJS.Timeout | null = null;
  private readonly maxQueued: number;
  private readonly maxQueuedSize: number;
  /** maxMessageEntries: counted while each request is decoded. */
  private readonly maxEntries: number;
  /** The decoder's incomplete frame, charged to the shared frame budget. */
  private readonly partial: PartialFrame;

  private promise: Promise<void> | null = null;
  private resolveDone: () => void = () => undefined;
  private rejectDone: (err: Error) => void = () => undefined;

  /** The lifecycle state (moveTo() changes it). */
  private lifecycle: LifecycleState = OPEN;
  /** The kind of handler call whose promise is pending (later requests wait in the queue), or null. */
  private pendingCall: RequestKind | null = null;
  private timer: NodeJS.Timeout | null = null;
  /**
   * This connection's account in the thread's retained memory budget:
   * charged for queued requests, the partial frame, and what the handler
   * keeps (Emitter.retained). Closed when the conversation ends.
   */
  readonly retained: RetainedAccount;
  /** Bytes of the partial frame charged to `retained`. */
  private partialCharged = 0;
  /** Requests waiting for the pending call or the output; each one's body size is restored into requestBytes when it is handled. */
  private readonly queue: RequestQueue;
  /** Emitter.requestBytes: body size of the request being handled. */
  requestBytes = 0;
  // Traffic counts, for stats: plain increments, always on (no wrapper
  // around the handler or the emitter could count for less).
  /** Keepalives answered (a keepalive never reaches the handler). */
  keepalivesAnswered = 0;
  /** Points handed to the handler (stream points and the points of batches). */
  pointsReceived = 0;
  /** Points written (emitted by the handler while the conversation could still take output). */
  pointsEmitted = 0;
  /** BeginBatch responses written. */
  batchesEmitted = 0;
  /** options.onPointTimed, or null. */
  private readonly onPointTimed: ((seconds: number) => void) | null;
  private pauseReasons = 0;
  /** What ended the conversation, once it failed. */
  private failure: Error | null = null;
  private openBatch = false;
  private warnedDroppedEmit = false;

  constructor(options: AgentOptions) {
    const resolved = resolveAgentOptions(options);
    const { input, output, handler, pacingMs } = resolved;
    this.input = input;
    this.output = output;
    this.logger = resolved.logger;
    this.handlerTimeoutMs = resolved.handlerTimeoutMs;
    this.onPointTimed = resolved.onPointTimed;
    this.drainTimeoutMs = resolved.drainTimeoutMs;
    this.optionNames = resolved.optionNames;
    this.maxQueued = resolved.maxQueuedRequests;
    this.maxQueuedSize = resolved.maxQueuedSize;
    this.maxEntries = resolved.maxMessageEntries;
    this.decoder = new FrameDecoder({ maxMessageSize: resolved.maxMessageSize });
    this.writer = new FrameWriter(output, {
      onBlocked: () => this.setPaused(PAUSE_OUTPUT, true),
      onDrain: () => this.onOutputDrain(),
      minWriteIntervalMs: pacingMs,
    });
    this.pacer = new ReadPacer(
      pacingMs,
      () => this.setPaused(PAUSE_PACE, true),
      () => this.setPaused(PAUSE_PACE, false),
    );

    this.onData = this.onData.bind(this);
    this.onFrame = this.onFrame.bind(this);
    this.onInputEnd = this.onInputEnd.bind(this);
    this.onInputError = this.onInputError.bind(this);
    this.onInputClose = this.onInputClose.bind(this);
    this.onOutputError = this.onOutputError.bind(this);
    this.onOutputClose = this.onOutputClose.bind(this);
    this.onOutputFinish = this.onOutputFinish.bind(this);
    this.onTimer = this.onTimer.bind(this);
    this.onFrameTimer = this.onFrameTimer.bind(this);
    this.onDrainTimer = this.onDrainTimer.bind(this);
    // Evicted (the largest holder of an exhausted memory budget), possibly
    // from another connection's input: fail now, so that what it held is let go at once.
    this.retained = resolved.memoryBudget.open((reason) => this.fail(reason));
    this.queue = new RequestQueue(this.retained);
    this.partial = new PartialFrame(
      resolved.frameBudget,
      resolved.frameTimeoutMs,
      this.onFrameTimer,
      (reason) => {
        // Evicted from another connection's input: its bytes go back now, the
        // error is handled after the requests this connection sent before it.
        this.partial.release();
        this.decoder.abandon();
        if (this.partialCharged !== 0) this.chargePartial(0);
        this.inputFailed(reason);
      },
      resolved.optionNames,
    );

    if (typeof handler === 'function') {
      this.handler = (handler as (emitter: Emitter) => Handler)(this);
    } else {
      this.handler = handler;
    }
    if (this.handler === null || typeof this.handler !== 'object') {
      throw new TypeError('new Agent(options): options.handler must be a Handler object or a function returning one');
    }
  }

  /**
   * Starts reading input. Resolves when the conversation ended cleanly (EOF,
   * handler.stop() done, output flushed and ended); rejects with the error
   * that ended it otherwise, after the ErrorResponse (if any) was flushed.
   * Calling it again returns the same promise.
   */
  start(): Promise<void> {
    if (this.promise !== null) return this.promise;
    if (this.lifecycle === SETTLED) {
      // close() ended the conversation before it was started.
      this.promise = this.failure !== null ? Promise.reject(this.failure) : Promise.resolve();
      return this.promise;
    }
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    const { input, output } = this;
    output.on('error', this.onOutputError);
    output.on('close', this.onOutputClose);
    input.on('error', this.onInputError);
    if (this.lifecycle === OPEN) {
      input.on('end', this.onInputEnd);
      input.on('close', this.onInputClose);
      input.on('data', this.onData);
      lowerReadAhead(input);
      input.resume();
    }
    return this.promise;
  }

  // ------------------------------------------------------------- Emitter

  point(point: Point): void {
    if (!this.canEmit('point')) return;
    this.writer.writePoint(point);
    this.pointsEmitted++;
  }

  /**
   * Bytes held by the requests received and waiting to be handled (behind a
   * pending async handler call, or an output that does not drain). For stats.
   */
  get queuedBytes(): number {
    return this.queue.heldBytes;
  }

  get batchOpen(): boolean {
    return this.openBatch;
  }

  beginBatch(begin: BeginBatch): void {
    if (this.openBatch) {
      throw new BatchOrderError('beginBatch() called while a batch is still open: call endBatch() for the open batch first');
    }
    if (!this.canEmit('beginBatch')) return;
    this.writer.writeBeginBatch(begin);
    this.openBatch = true;
    this.batchesEmitted++;
  }

  endBatch(end: EndBatch): void {
    if (!this.openBatch) {
      throw new BatchOrderError(
        'endBatch() called with no open batch: call beginBatch() first (Kapacitor cannot handle an EndBatch without a BeginBatch)',
      );
    }
    if (!this.canEmit('endBatch')) return;
    this.writer.writeEndBatch(end);
    this.openBatch = false;
  }

  /** Where the conversation is: 'open', 'draining', 'stopping', 'ending' or 'settled' (in that order). */
  get state(): AgentState {
    return STATE_NAMES[this.lifecycle];
  }

  private canEmit(what: string): boolean {
    if (this.lifecycle < ENDING) return true;
    if (!this.warnedDroppedEmit) {
      this.warnedDroppedEmit = true;
      this.logger.warn(`${what}() after the conversation ended: dropped (and so is any later output)`);
    }
    return false;
  }

  /**
   * Ends the conversation from outside. Without a reason: stop reading,
   * handle what was already received, call handler.stop(), flush and end
   * (start() resolves). With a reason: send it as an ErrorResponse, flush and
   * end at once (start() rejects with it).
   */
  close(reason?: Error): void {
    if (this.lifecycle === SETTLED) return;
    if (reason !== undefined) {
      this.fail(reason instanceof Error ? reason : new Error(describeError(reason)));
      return;
    }
    if (this.lifecycle !== OPEN) return;
    this.stopReading();
    this.queue.pushMarker(EOF);
    this.pump();
  }

  // --------------------------------------------------------------- input

  private onData(chunk: Buffer | string): void {
    if (this.lifecycle !== OPEN) return;
    if (typeof chunk === 'string') {
      this.fail(new InputError('input stream delivers strings: it must be a byte stream (do not call setEncoding() on it)'));
      return;
    }
    this.framesInChunk = false;
    try {
      this.decoder.feed(chunk, this.onFrame);
    } catch (err) {
      this.inputFailed(err);
      return;
    }
    if (this.lifecycle !== OPEN) return; // failed by a request of this chunk
    if (this.decoder.inFrame) this.watchPartialFrame();
    else {
      this.partial.clear();
      if (this.partialCharged !== 0) this.chargePartial(0);
    }
    if (this.framesInChunk && this.lifecycle === OPEN) this.pacer.afterWork(chunk.length);
  }

  /** After a chunk that left a frame incomplete: account its bytes, (re)start the idle timer. */
  private watchPartialFrame(): void {
    const overBudget = this.partial.hold(this.decoder.partialBytes, this.framesInChunk);
    if (overBudget !== undefined) {
      this.fail(overBudget);
      return;
    }
    if (!this.chargePartial(this.decoder.partialBytes)) return; // this connection held the most: failed
    if (this.lifecycle === OPEN) this.partial.watch();
  }

  /** Charges the partial frame's bytes to the memory budget; false when that failed the conversation. */
  private chargePartial(bytes: number): boolean {
    const delta = bytes - this.partialCharged;
    this.partialCharged = bytes;
    if (delta >= 0) return this.retained.hold(delta);
    this.retained.drop(-delta);
    return true;
  }

  private onFrameTimer(): void {
    if (this.lifecycle !== OPEN || !this.decoder.inFrame) return;
    this.inputFailed(this.partial.idleError(this.decoder.partialBytes));
  }

  private onFrame(buf: Uint8Array, start: number, end: number, offset: number): void {
    if (this.lifecycle !== OPEN) return; // failed or closed while this chunk was being handled
    this.framesInChunk = true;
    // Nothing waiting before this request: handle it now (the hot path).
    const direct = this.pendingCall === null && this.queue.isEmpty && !this.writer.blocked;
    let point: Point | undefined;
    let req: Request | undefined;
    try {
      // A point frame decodes straight to the Point, without Request wrappers.
      if (direct) point = decodePointRequestAt(buf, start, end, this.maxEntries);
      if (point === undefined) req = decodeRequestAt(buf, start, end, this.maxEntries);
    } catch (err) {
      this.inputFailed(err instanceof ProtocolError ? this.requestError(err, offset) : err);
      return;
    }
    if (point !== undefined) {
      this.requestBytes = end - start;
      this.dispatchPoint(point);
    } else if (direct) {
      this.requestBytes = end - start;
      this.dispatch(req!);
    } else if (req!.message?.$case === 'keepalive') this.answerKeepalive(req!.message.value.time);
    else if (this.queue.length < this.maxQueued) this.enqueued(this.queue.push(req!, end - start));
    else this.enqueued(this.queue.pushBody(buf.slice(start, end)));
  }

  /** A decoder's error about the request at `offset` of the input, in the input's terms. */
  private requestError(err: ProtocolError, offset: number): ProtocolError {
    const at = offset + err.offset;
    if (err.code === 'ERR_TOO_MANY_ENTRIES') {
      return new ProtocolError(
        'ERR_TOO_MANY_ENTRIES',
        `the request at byte ${offset} of the input holds more than ${this.maxEntries} entries ` +
          `(tags, fields, dimensions; refused at byte ${at}): raise ${nameOption(this.optionNames, 'maxMessageEntries')} ` +
          'if points really are that wide',
        at,
      );
    }
    return new ProtocolError('ERR_INVALID_MESSAGE', `invalid request at byte ${at} of the input: ${err.message}`, at);
  }

  /** A framing / decoding error: handled after the requests received before it. */
  private inputFailed(err: unknown): void {
    this.stopReading();
    this.queue.pushMarker(err instanceof Error ? err : new InputError(describeError(err)));
    this.pump();
  }

  private onInputEnd(): void {
    if (this.lifecycle !== OPEN) return;
    this.stopReading();
    try {
      this.decoder.end();
      this.queue.pushMarker(EOF);
    } catch (err) {
      this.queue.pushMarker(err instanceof Error ? err : new InputError(describeError(err)));
    }
    this.pump();
    // The peer is done sending (and, over a socket, may be gone without a
    // word: Kapacitor reads everything and closes, which looks like a
    // half-close here). What is left must finish within the deadline.
    if (this.drainTimeoutMs > 0 && !this.settled && this.drainTimer === null) {
      this.drainTimer = setTimeout(this.onDrainTimer, this.drainTimeoutMs);
    }
  }

  /**
   * The conversation did not finish within drainTimeoutMs of the input's end:
   * end it with an ErrorResponse; if even that cannot be flushed (nobody
   * reads), release the output after DRAIN_GRACE_MS.
   */
  private onDrainTimer(): void {
    if (this.lifecycle === SETTLED) return;
    if (this.failure === null && this.lifecycle < ENDING) {
      // The queue ends with the EOF marker (or the error) pushed at the input's end: not a request.
      this.fail(new DrainTimeoutError(this.drainTimeoutMs, this.pendingCall, Math.max(0, this.queue.length - 1), this.optionNames));
    } else {
      this.logger.error(
        `the peer ended its input ${this.drainTimeoutMs} ms ago and has not read the last responses: the connection is closed`,
        { code: 'ERR_DRAIN_TIMEOUT' },
      );
    }
    if (this.settled) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      if (this.settled) return;
      if (this.failure === null) this.failure = new DrainTimeoutError(this.drainTimeoutMs, null, 0, this.optionNames);
      const output = this.output as { destroy?: () => void };
      this.writer.close();
      if (typeof output.destroy === 'function') output.destroy();
      this.moveTo(SETTLED);
    }, DRAIN_GRACE_MS);
  }

  private onInputError(err: Error): void {
    if (this.lifecycle === SETTLED) return;
    if ((this.input as unknown) === this.output) {
      // One duplex stream (a socket): its errors are output errors too.
      this.onOutputError(err);
      return;
    }
    if (this.failure !== null || this.lifecycle === ENDING) {
      this.writer.close();
      if (this.failure === null) this.failure = new InputError(`input stream failed: ${describeError(err)}`, err);
      this.moveTo(SETTLED);
      return;
    }
    this.fail(new InputError(`input stream failed: ${describeError(err)}`, err));
  }

  private onInputClose(): void {
    if (this.lifecycle !== OPEN) return;
    this.fail(new InputError('input stream closed before its end (the peer went away?)'));
  }

  private stopReading(): void {
    if (this.lifecycle === OPEN) this.moveTo(DRAINING);
  }

  private setPaused(reason: number, paused: boolean): void {
    const before = this.pauseReasons;
    this.pauseReasons = paused ? before | reason : before & ~reason;
    if (this.lifecycle !== OPEN) return;
    if (before === 0 && this.pauseReasons !== 0) this.input.pause();
    else if (before !== 0 && this.pauseReasons === 0) this.input.resume();
  }

  // --------------------------------------------------------------- queue

  /**
   * After a request was queued (the first maxQueuedRequests decoded, later
   * ones as their bytes): input goes on being read (so keepalives behind
   * them are answered) until the queue holds maxQueuedSize (estimated heap
   * bytes), then pauses. `ok` false: the charge failed the conversation.
   */
  private enqueued(ok: boolean): void {
    if (ok && this.queue.heldBytes > this.maxQueuedSize) this.setPaused(PAUSE_QUEUE, true);
  }

  /** Handles queued items while nothing blocks: no pending handler, output not full. */
  private pump(): void {
    const queue = this.queue;
    while (!queue.isEmpty && this.pendingCall === null && !this.writer.blocked && this.lifecycle < STOPPING) {
      const item = queue.shift();
      this.requestBytes = queue.lastBytes;
      if (item === EOF) this.onEof();
      else if (item instanceof Error) this.fail(item);
      // (Its entries were counted when it arrived.)
      else if (item instanceof QueuedBody) this.dispatch(decodeRequestAt(item.body, 0, item.body.length));
      else this.dispatch(item);
    }
    queue.compact();
    if (this.pauseReasons & PAUSE_QUEUE && queue.heldBytes <= this.maxQueuedSize / 2) {
      this.setPaused(PAUSE_QUEUE, false);
    }
  }

  private onOutputDrain(): void {
    this.setPaused(PAUSE_OUTPUT, false);
    this.pump();
  }

  // ------------------------------------------------------------ dispatch

  private dispatchPoint(point: Point): void {
    // Invariant: POINT_TIME_SAMPLE is a power of two, so the mask picks one call in it.
    if ((++this.pointsReceived & POINT_TIME_MASK) === 0 && this.onPointTimed !== null) {
      this.dispatchPointTimed(point, this.onPointTimed);
      return;
    }
    let result: unknown;
    try {
      result = this.handler.point(point);
    } catch (err) {
      this.fail(new HandlerError('point', err));
      return;
    }
    if (isThenable(result)) this.await('point', result);
  }

  /** dispatchPoint, timing the call (until its promise settles, for an async handler). */
  private dispatchPointTimed(point: Point, observe: (seconds: number) => void): void {
    const start = performance.now();
    let result: unknown;
    try {
      result = this.handler.point(point);
    } catch (err) {
      observe((performance.now() - start) / 1000);
      this.fail(new HandlerError('point', err));
      return;
    }
    if (!isThenable(result)) {
      observe((performance.now() - start) / 1000);
      return;
    }
    // A native promise adopting the thenable (whatever its then() returns).
    this.await(
      'point',
      Promise.resolve(result).finally(() => observe((performance.now() - start) / 1000)),
    );
  }

  private dispatch(req: Request): void {
    const m = req.message;
    if (m === undefined) {
      // A zero-length frame or an unknown request kind: the reference agent ignores it.
      this.logger.warn('ignoring a request with no known message (empty frame or a request type this agent does not know)');
      return;
    }
    let kind: RequestKind;
    let result: unknown;
    try {
      switch (m.$case) {
        case 'point':
          this.dispatchPoint(m.value);
          return;
        case 'begin':
          kind = 'begin';
          result = this.handler.beginBatch(m.value);
          break;
        case 'end':
          kind = 'end';
          result = this.handler.endBatch(m.value);
          break;
        case 'keepalive':
          this.answerKeepalive(m.value.time);
          return;
        case 'info':
          kind = 'info';
          result = this.handler.info();
          break;
        case 'init':
          kind = 'init';
          result = this.handler.init(m.value);
          break;
        case 'snapshot':
          kind = 'snapshot';
          result = this.handler.snapshot();
          break;
        case 'restore':
          kind = 'restore';
          result = this.handler.restore(m.value);
          break;
        default:
          this.logger.warn(`ignoring a request of unknown kind ${JSON.stringify((m as { $case: unknown }).$case)}`);
          return;
      }
    } catch (err) {
      this.fail(new HandlerError(kind!, err));
      return;
    }
    if (isThenable(result)) this.await(kind, result);
    else if (kind === 'info' || kind === 'init' || kind === 'snapshot' || kind === 'restore') this.reply(kind, result);
  }

  private await(kind: RequestKind, result: Thenable): void {
    this.pendingCall = kind;
    if (this.handlerTimeoutMs > 0) {
      // One timer, restarted per call: it fires handlerTimeoutMs after the
      // start of the call still pending then (checked in onTimer).
      if (this.timer === null) this.timer = setTimeout(this.onTimer, this.handlerTimeoutMs);
      else this.timer.refresh();
    }
    result.then(
      (value) => {
        if (this.settledOrFailed()) return;
        this.pendingCall = null;
        if (kind === 'info' || kind === 'init' || kind === 'snapshot' || kind === 'restore') this.reply(kind, value);
        if (kind === 'stop') {
          this.finish();
          return;
        }
        this.pump();
      },
      (err) => {
        if (this.settledOrFailed()) return;
        this.pendingCall = null;
        this.fail(new HandlerError(kind, err));
      },
    );
  }

  /** Read through a getter: a check after a call that may settle is not narrowed away by TypeScript. */
  private get settled(): boolean {
    return this.lifecycle === SETTLED;
  }

  private settledOrFailed(): boolean {
    return this.lifecycle === SETTLED || this.failure !== null;
  }

  private onTimer(): void {
    if (this.pendingCall === null || this.settledOrFailed()) return;
    this.fail(new HandlerTimeoutError(this.pendingCall, this.handlerTimeoutMs));
  }

  private reply(kind: Reply, value: unknown): void {
    if (value === null || typeof value !== 'object') {
      const expected = { info: 'InfoResponse', init: 'InitResponse', snapshot: 'SnapshotResponse', restore: 'RestoreResponse' }[kind];
      this.fail(new HandlerError(kind, new TypeError(`it returned ${value === null ? 'null' : typeof value}, expected an ${expected}`)));
      return;
    }
    if (kind === 'snapshot') {
      const tooLarge = this.unrestorable(value as { snapshot?: unknown });
      if (tooLarge !== undefined) {
        this.fail(tooLarge);
        return;
      }
    }
    try {
      this.writer.writeResponse({ message: { $case: kind, value } } as Response);
    } catch (err) {
      this.fail(new HandlerError(kind, err));
      return;
    }
    // Management replies are rare and Kapacitor waits for each: written out
    // now, not at the next tick, so a handler that then blocks the thread
    // (a synchronous loop in the next request's handler) cannot hold them back.
    this.writer.flush();
  }

  /**
   * The error for a snapshot whose RestoreRequest would exceed our own
   * maxMessageSize: written, it would make every restart of the task fail
   * at Restore. Refused now, while the task runs and the message can say why.
   */
  private unrestorable(value: { snapshot?: unknown }): SnapshotTooLargeError | undefined {
    const bytes = value.snapshot instanceof Uint8Array ? value.snapshot.length : 0;
    // Request{restore (field 5): RestoreRequest{snapshot (field 1): bytes}}: a tag and a length prefix each.
    const inner = 1 + varintLength(bytes) + bytes;
    const restoreBytes = 1 + varintLength(inner) + inner;
    const max = this.decoder.maxMessageSize;
    return restoreBytes > max ? new SnapshotTooLargeError(bytes, restoreBytes, max, this.optionNames) : undefined;
  }

  private answerKeepalive(time: bigint): void {
    this.keepalivesAnswered++;
    this.writer.writeResponse({ message: { $case: 'keepalive', value: { time } } });
  }

  // ------------------------------------------------------------- the end

  private onEof(): void {
    this.moveTo(STOPPING);
    let result: unknown;
    try {
      result = this.handler.stop();
    } catch (err) {
      this.fail(new HandlerError('stop', err));
      return;
    }
    if (isThenable(result)) this.await('stop', result);
    else this.finish();
  }

  /** Clean end: flush everything, end the output, resolve when it finished. */
  private finish(): void {
    if (this.lifecycle >= ENDING) return;
    if (this.openBatch) {
      this.logger.warn('the conversation ended with an output batch still open (beginBatch() without endBatch())');
    }
    this.endOutput();
  }

  /** Ends the conversation with an error: one ErrorResponse (if the output still works), flush, end, reject. */
  private fail(err: Error): void {
    if (this.failure !== null || this.lifecycle === SETTLED) return;
    this.failure = err;
    this.pendingCall = null;
    this.stopReading();
    this.partial.release();
    this.decoder.abandon();
    this.clearTimer();
    this.queue.clear();
    this.retained.close();
    const outputBroken = err instanceof OutputClosedError;
    this.logger.error(`conversation aborted: ${err.message}`, { code: (err as { code?: unknown }).code });
    // Where the handler failed: its stack, at debug (the error line above says what).
    const stack = (err.cause instanceof Error ? err.cause : err).stack;
    if (stack !== undefined) this.logger.debug('stack of the error that aborted the conversation', { stack });
    if (outputBroken || this.lifecycle === ENDING) {
      this.writer.close();
      this.moveTo(SETTLED);
      return;
    }
    try {
      this.writer.writeResponse({ message: { $case: 'error', value: { error: err.message } } });
    } catch (encodeErr) {
      this.logger.error('could not encode the ErrorResponse', { error: encodeErr });
    }
    this.endOutput();
  }

  private endOutput(): void {
    this.moveTo(ENDING);
  }

  private onOutputFinish(): void {
    this.moveTo(SETTLED);
  }

  private onOutputError(err: Error): void {
    if (this.lifecycle === SETTLED) return;
    const code = (err as { code?: unknown }).code;
    const peerGone = code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED';
    const message = peerGone
      ? `output stream failed: ${err.message} (the peer closed the connection before reading every response)`
      : `output stream failed: ${describeError(err)}`;
    if (this.failure === null) this.fail(new OutputClosedError(message, err));
    else {
      this.writer.close();
      this.moveTo(SETTLED);
    }
  }

  private onOutputClose(): void {
    if (this.lifecycle === SETTLED) return;
    const finished = (this.output as { writableFinished?: boolean }).writableFinished === true;
    if (this.lifecycle === ENDING && finished) {
      this.moveTo(SETTLED);
      return;
    }
    if (this.failure === null) {
      this.fail(new OutputClosedError('output stream closed before the conversation ended (the peer went away?)'));
    } else {
      this.writer.close();
      this.moveTo(SETTLED);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  // ----------------------------------------------------------- lifecycle

  /**
   * The one place the lifecycle state changes (see the diagram at the top
   * of this file): moves forward to `next`, doing what entering it takes.
   * Moving to the current state does nothing; moving back is a bug here.
   */
  private moveTo(next: LifecycleState): void {
    const from = this.lifecycle;
    if (next === from) return;
    if (next < from)
      throw new Error(`Agent lifecycle: ${STATE_NAMES[from]} -> ${STATE_NAMES[next]} is not a transition (a bug in agent.ts)`);
    if (next === STOPPING && from !== DRAINING)
      throw new Error(`Agent lifecycle: only draining leads to stopping, not ${STATE_NAMES[from]}`);
    if (from === OPEN) {
      // Every state after open reads no more input.
      this.pacer.stop();
      this.input.removeListener('data', this.onData);
      this.input.pause();
    }
    this.lifecycle = next;
    switch (next) {
      case DRAINING:
      case STOPPING:
        return;
      case ENDING:
        this.clearTimer();
        this.writer.flush();
        this.output.once('finish', this.onOutputFinish);
        this.output.end();
        return;
      case SETTLED: {
        this.clearTimer();
        if (this.drainTimer !== null) {
          clearTimeout(this.drainTimer);
          this.drainTimer = null;
        }
        this.partial.release();
        this.retained.close();
        const { input, output } = this;
        input.removeListener('end', this.onInputEnd);
        input.removeListener('close', this.onInputClose);
        output.removeListener('close', this.onOutputClose);
        output.removeListener('finish', this.onOutputFinish);
        // Keep swallowing late 'error' events (e.g. EPIPE after the end) so they
        // never become uncaught exceptions; they cannot change the outcome now.
        if (this.promise === null) return; // close() before start(): start() reports the outcome
        if (this.failure !== null) this.rejectDone(this.failure);
        else this.resolveDone();
      }
    }
  }
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

/** After a drain timeout, how long the ErrorResponse may take to flush before the output is destroyed. */
const DRAIN_GRACE_MS = 1000;
