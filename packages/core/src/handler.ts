import type { RetainedAccount } from './memory-budget';
import type {
  BeginBatch,
  EndBatch,
  InfoResponse,
  InitRequest,
  InitResponse,
  Point,
  RestoreRequest,
  RestoreResponse,
  SnapshotResponse,
} from './protocol/udf';

/** A value, or a promise of it: every handler method may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What a UDF implements; the Agent calls it for every request, strictly in
 * arrival order and never concurrently. Throwing (or rejecting) from any
 * method makes the agent send one ErrorResponse and close the connection;
 * failures that Kapacitor expects as data (InitResponse / RestoreResponse
 * with success=false) are returned, not thrown.
 */
export interface Handler {
  info(): MaybePromise<InfoResponse>;
  init(request: InitRequest): MaybePromise<InitResponse>;
  snapshot(): MaybePromise<SnapshotResponse>;
  restore(request: RestoreRequest): MaybePromise<RestoreResponse>;
  beginBatch(begin: BeginBatch): MaybePromise<void>;
  point(point: Point): MaybePromise<void>;
  endBatch(end: EndBatch): MaybePromise<void>;
  /** Input ended: flush anything pending through the emitter. No method is called after. */
  stop(): MaybePromise<void>;
}

/**
 * The agent's output side, handed to handlers so they can send data at any
 * time (not only in reply to a request). Emitting keeps order; an EndBatch
 * without an open BeginBatch, or a BeginBatch inside an open batch, throws a
 * `BatchOrderError` instead of reaching Kapacitor (which would crash on it).
 */
export interface Emitter {
  /** Whether a BeginBatch was emitted and its EndBatch not yet. */
  readonly batchOpen: boolean;
  /**
   * Size in bytes of the body of the request being handled (set by the agent
   * before each handler call). Lets a handler that keeps requests (a collected
   * batch) bound the memory they hold without measuring them itself.
   */
  readonly requestBytes?: number;
  /**
   * This connection's account in the thread's retained memory budget: a
   * handler that keeps requests (a collected batch) charges their estimated
   * heap bytes (estimatePointHeapBytes) and drops them when done. When the
   * budget is exhausted the connection holding the most is failed.
   */
  readonly retained?: RetainedAccount;
  point(point: Point): void;
  beginBatch(begin: BeginBatch): void;
  endBatch(end: EndBatch): void;
}
