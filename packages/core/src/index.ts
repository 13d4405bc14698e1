/**
 * @kapacitor-udf/core: the Kapacitor UDF wire protocol for Node.js (codec,
 * framing, agent) shared by every other package.
 */
export { EdgeType, ValueType } from './generated/udf';
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
} from './generated/udf';
export type { Emitter, Handler, MaybePromise } from './handler';
export {
  UdfError,
  BatchOrderError,
  EncodeError,
  HandlerError,
  HandlerTimeoutError,
  InputError,
  InputLimitError,
  OutputClosedError,
  ProtocolError,
  describeError,
} from './errors';
export type { InputLimitErrorCode, ProtocolErrorCode, RequestKind } from './errors';
export { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './codec';
export { closest } from './closest';
export { DEFAULT_MAX_MESSAGE_SIZE, FrameDecoder } from './frame-decoder';
export { DEFAULT_FRAME_TIMEOUT_MS, DEFAULT_MAX_PARTIAL_FRAMES_SIZE, FrameBudget } from './frame-budget';
export type { FrameDecoderOptions } from './frame-decoder';
export { encodeFrame } from './encode-frame';
export { FrameWriter } from './frame-writer';
export type { FrameWriterOptions } from './frame-writer';
export { Agent, DEFAULT_MAX_QUEUED_SIZE, MAX_TIMER_MS } from './agent';
export type { AgentOptions, AgentState } from './agent';
export { createLogger, childLogger, silentLogger } from './logger';
export type { LogLevel, Logger, LoggerOptions } from './logger';
export { createPoint } from './data-messages';
export { groupID, numericField, pointFromBatch, replaceFields, withFields } from './point-helpers';
export type { BatchBounds, FieldValues } from './point-helpers';
