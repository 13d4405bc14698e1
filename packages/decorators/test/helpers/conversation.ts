/**
 * Test helper: plays Kapacitor's side of a conversation with a UDF class
 * through the real core Agent. The Kapacitor side is the testing kit's
 * byte-level peer over in-memory streams: requests are encoded and framed
 * exactly as on the wire, and every response (ErrorResponses included) is
 * decoded back. The testing kit is resolved through jest's moduleNameMapper
 * and the root tsconfig paths only (no package.json dependency: the kit
 * depends on this package, not the other way round).
 */
import { Agent, createPoint, type Option, type OptionValue, type Point, type Request, type Response, ValueType } from '@kapacitor-udf/core';
import { type CreateHandlerOptions, createHandler, Duration, type UdfClass } from '@kapacitor-udf/decorators';
import { MemoryLogger, type ResponseKind, type ResponseValue, requests, WirePeer } from '@kapacitor-udf/testing';

export type RequestMessage = NonNullable<Request['message']>;
export type ResponseMessage = NonNullable<Response['message']>;

export class Conversation {
  readonly logger = new MemoryLogger();
  /** Settles when the Agent ends the conversation (resolves on clean EOF, rejects on error). */
  readonly done: Promise<void>;
  private readonly peer = WirePeer.inMemory();

  constructor(cls: UdfClass, handlerOptions: Omit<CreateHandlerOptions, 'logger'> = {}) {
    const agent = new Agent({
      input: this.peer.toUdf,
      output: this.peer.fromUdf,
      handler: (emitter) => createHandler(cls, emitter, { ...handlerOptions, logger: this.logger }),
      logger: this.logger,
    });
    this.done = agent.start();
    // Observed through `finish()`; avoid an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  /** Every response received so far, in order; a Response with no message set fails the test. */
  get responses(): ResponseMessage[] {
    return this.peer.responses.map((r) => {
      if (r.message === undefined) throw new Error('the agent sent a Response with no message set');
      return r.message;
    });
  }

  send(...messages: RequestMessage[]): this {
    for (const message of messages) this.peer.send(message);
    return this;
  }

  /** Writes raw bytes (already framed) to the agent, e.g. frames recorded from Kapacitor. */
  sendRaw(bytes: Uint8Array): this {
    this.peer.sendRaw(bytes);
    return this;
  }

  /** Waits for the next response (after those already taken) of the given kind and returns it. */
  next<K extends ResponseKind>(kind: K, timeoutMs = 5000): Promise<ResponseValue<K>> {
    return this.peer.nextOf(kind, timeoutMs);
  }

  /** Ends the input (EOF, a clean stop) and returns every response once the Agent finished. */
  async finish(): Promise<ResponseMessage[]> {
    this.peer.endInput();
    await this.done;
    return this.responses;
  }

  /** Like `finish`, but for conversations the agent ends with an error. */
  async finishWithError(): Promise<{ error: unknown; responses: ResponseMessage[] }> {
    this.peer.endInput();
    try {
      await this.done;
    } catch (error) {
      await new Promise((resolve) => setImmediate(resolve));
      return { error, responses: this.responses };
    }
    throw new Error(`expected the conversation to end with an error; got ${this.kinds().join(', ')}`);
  }

  kinds(): string[] {
    return this.peer.kinds();
  }

  /** Responses of one kind, e.g. every emitted point. */
  all<K extends ResponseKind>(kind: K): Array<ResponseValue<K>> {
    return this.peer.of(kind);
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

// Requests as Kapacitor sends them: the testing kit's builders (default IDs task1 / node1).
export const { info, init, snapshot, restore, keepalive } = requests;

export function makePoint(fields: Partial<Point> = {}): Point {
  return { ...createPoint(), name: 'cpu', ...fields };
}

export function point(fields: Partial<Point> = {}): RequestMessage {
  return requests.point(makePoint(fields));
}

export const begin = requests.begin;
export const end = requests.end;
