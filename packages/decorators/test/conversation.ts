/**
 * Test helper: plays Kapacitor's side of a conversation with a UDF class
 * through the real core Agent. Requests are encoded and framed exactly as on
 * the wire, fed through a PassThrough, and the Agent's output is read back
 * with FrameDecoder + decodeResponse.
 */
import { PassThrough } from 'node:stream';
import {
  Agent,
  createPoint,
  type BeginBatch,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  type EndBatch,
  FrameDecoder,
  type InitRequest,
  type Logger,
  type Option,
  type OptionValue,
  type Point,
  type Request,
  type Response,
  ValueType,
} from '@kapacitor-udf/core';
import { createHandler, Duration, type UdfClass } from '@kapacitor-udf/decorators';

export type RequestMessage = NonNullable<Request['message']>;
export type ResponseMessage = NonNullable<Response['message']>;
type ResponseCase = ResponseMessage['$case'];
type ResponseOf<K extends ResponseCase> = Extract<ResponseMessage, { $case: K }>['value'];

/** A logger that keeps what the UDF logged, for assertions. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; msg: string; fields?: object }> = [];
  debug(msg: string, fields?: object): void {
    this.lines.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields?: object): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: object): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: object): void {
    this.lines.push({ level: 'error', msg, fields });
  }
}

export class Conversation {
  /** Every response received so far, in order. */
  readonly responses: ResponseMessage[] = [];
  readonly logger = new RecordingLogger();
  /** Settles when the Agent ends the conversation (resolves on clean EOF, rejects on error). */
  readonly done: Promise<void>;
  private readonly input = new PassThrough();
  private readonly output = new PassThrough();
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];
  private cursor = 0;

  constructor(cls: UdfClass) {
    this.output.on('data', (chunk: Buffer) => {
      for (const body of this.decoder.push(chunk)) {
        const message = decodeResponse(body).message;
        if (message === undefined) throw new Error('the agent sent a Response with no message set');
        this.responses.push(message);
      }
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
    const agent = new Agent({
      input: this.input,
      output: this.output,
      handler: (emitter) => createHandler(cls, emitter, { logger: this.logger }),
      logger: this.logger,
    });
    this.done = agent.start();
    // Observed through `finish()`; avoid an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  send(...messages: RequestMessage[]): this {
    for (const message of messages) this.input.write(encodeFrame(encodeRequest({ message })));
    return this;
  }

  /** Writes raw bytes (already framed) to the agent, e.g. frames recorded from Kapacitor. */
  sendRaw(bytes: Uint8Array): this {
    this.input.write(bytes);
    return this;
  }

  /** Waits for the next response (after those already taken) of the given kind and returns it. */
  async next<K extends ResponseCase>(kind: K, timeoutMs = 5000): Promise<ResponseOf<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.responses.length) {
        const message = this.responses[this.cursor++];
        if (message.$case === kind) return message.value as ResponseOf<K>;
      }
      if (Date.now() > deadline) throw new Error(`no ${kind} response within ${timeoutMs} ms; got ${this.kinds().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends the input (EOF, a clean stop) and returns every response once the Agent finished. */
  async finish(): Promise<ResponseMessage[]> {
    this.input.end();
    await this.done;
    return this.responses;
  }

  /** Like `finish`, but for conversations the agent ends with an error. */
  async finishWithError(): Promise<{ error: unknown; responses: ResponseMessage[] }> {
    this.input.end();
    try {
      await this.done;
    } catch (error) {
      await new Promise((resolve) => setImmediate(resolve));
      return { error, responses: this.responses };
    }
    throw new Error(`expected the conversation to end with an error; got ${this.kinds().join(', ')}`);
  }

  kinds(): string[] {
    return this.responses.map((r) => r.$case);
  }

  /** Responses of one kind, e.g. every emitted point. */
  all<K extends ResponseCase>(kind: K): Array<ResponseOf<K>> {
    return this.responses.filter((r) => r.$case === kind).map((r) => r.value as ResponseOf<K>);
  }
}

/** Sends everything, ends the input, and returns all responses. */
export async function converse(cls: UdfClass, ...messages: RequestMessage[]): Promise<ResponseMessage[]> {
  return new Conversation(cls).send(...messages).finish();
}

// ---- request builders (Kapacitor's side) ----

/** Marks a value Kapacitor sends without a literal (a field reference or lambda). */
export const NON_LITERAL = Symbol('non-literal');
export type OptionArg = bigint | number | string | boolean | Duration | typeof NON_LITERAL;

/**
 * An option as TICKscript sends it: bigint -> INT, number -> DOUBLE,
 * string -> STRING, boolean -> BOOL, Duration -> DURATION.
 */
export function opt(name: string, ...args: OptionArg[]): Option {
  return { name, values: args.map(optionValue) };
}

function optionValue(arg: OptionArg): OptionValue {
  if (arg === NON_LITERAL) return { type: ValueType.BOOL, value: undefined };
  if (Duration.isDuration(arg)) return { type: ValueType.DURATION, value: { $case: 'durationValue', value: arg.ns } };
  switch (typeof arg) {
    case 'bigint':
      return { type: ValueType.INT, value: { $case: 'intValue', value: arg } };
    case 'number':
      return { type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: arg } };
    case 'string':
      return { type: ValueType.STRING, value: { $case: 'stringValue', value: arg } };
    default:
      return { type: ValueType.BOOL, value: { $case: 'boolValue', value: arg } };
  }
}

export function info(): RequestMessage {
  return { $case: 'info', value: {} };
}

export function init(options: Option[] = [], ids: Partial<Pick<InitRequest, 'taskID' | 'nodeID'>> = {}): RequestMessage {
  return { $case: 'init', value: { options, taskID: ids.taskID ?? 'task1', nodeID: ids.nodeID ?? 'node1' } };
}

export function snapshot(): RequestMessage {
  return { $case: 'snapshot', value: {} };
}

export function restore(bytes: Uint8Array): RequestMessage {
  return { $case: 'restore', value: { snapshot: Buffer.from(bytes) } };
}

export function keepalive(time: bigint): RequestMessage {
  return { $case: 'keepalive', value: { time } };
}

export function makePoint(fields: Partial<Point> = {}): Point {
  return { ...createPoint(), name: 'cpu', ...fields };
}

export function point(fields: Partial<Point> = {}): RequestMessage {
  return { $case: 'point', value: makePoint(fields) };
}

export function makeBegin(fields: Partial<BeginBatch> = {}): BeginBatch {
  return { name: 'cpu', group: '', tags: {}, size: 0n, byName: false, ...fields };
}

export function makeEnd(fields: Partial<EndBatch> = {}): EndBatch {
  return { name: 'cpu', group: '', tmax: 0n, tags: {}, byName: false, ...fields };
}

export function begin(fields: Partial<BeginBatch> = {}): RequestMessage {
  return { $case: 'begin', value: makeBegin(fields) };
}

export function end(fields: Partial<EndBatch> = {}): RequestMessage {
  return { $case: 'end', value: makeEnd(fields) };
}
