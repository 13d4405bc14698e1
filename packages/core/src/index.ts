/**
 * @kapacitor-udf/core: the Kapacitor UDF wire protocol for Node.js (codec,
 * framing, agent) shared by every other package.
 */

export type { AgentState } from './agent';
export { Agent } from './agent';
export type { AgentOptions } from './agent-options';
export { DEFAULT_MAX_MESSAGE_ENTRIES, DEFAULT_MAX_QUEUED_SIZE, MAX_TIMER_MS, POINT_TIME_SAMPLE, threadMemoryBudget } from './agent-options';
export { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './codec';
export { createPoint } from './data-messages';
export { encodeFrame } from './encode-frame';
export type { InputLimitErrorCode, ProtocolErrorCode, RequestKind } from './errors';
export {
  BatchOrderError,
  DrainTimeoutError,
  EncodeError,
  HandlerError,
  HandlerTimeoutError,
  InputError,
  InputLimitError,
  MemoryBudgetError,
  OutputClosedError,
  ProtocolError,
  SnapshotTooLargeError,
  UdfError,
} from './errors';
export { DEFAULT_FRAME_TIMEOUT_MS, DEFAULT_MAX_PARTIAL_FRAMES_SIZE, FrameBudget, PARTIAL_FRAME_RESERVE } from './frame-budget';
export type { FrameDecoderOptions } from './frame-decoder';
export { DEFAULT_MAX_MESSAGE_SIZE, FrameDecoder } from './frame-decoder';
export type { FrameWriterOptions } from './frame-writer';
export { FrameWriter } from './frame-writer';
export type { Emitter, Handler, MaybePromise } from './handler';
export { estimatePointHeapBytes, estimateRequestHeapBytes, estimateStringHeapBytes } from './heap-estimate';
export type { Logger, LoggerOptions, LogLevel } from './logger';
export { childLogger, createLogger, silentLogger } from './logger';
export { DEFAULT_RETAINED_HEAP_SHARE, defaultMaxRetainedSize, MemoryBudget, RetainedAccount } from './memory-budget';
export type { OptionNames } from './option-names';
export type { BatchBounds, FieldValues } from './point-helpers';
export { groupID, numericField, pointFromBatch, replaceFields, withFields } from './point-helpers';
export type {
  BeginBatch,
  EndBatch,
  ErrorResponse,
  InfoRequest,
  InfoResponse,
  InitRequest,
  InitResponse,
  KeepaliveRequest,
  KeepaliveResponse,
  Option,
  OptionInfo,
  OptionValue,
  Point,
  Request,
  Response,
  RestoreRequest,
  RestoreResponse,
  SnapshotRequest,
  SnapshotResponse,
} from './protocol/udf';
export { EdgeType, ValueType } from './protocol/udf';
export { DEFAULT_LOG_RATE_LIMIT, type RateLimitedLogger, type RateLimitOptions, rateLimitedLogger } from './rate-limited-logger';
