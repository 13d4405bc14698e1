export type { Batch } from './batch';
export { type BatchRecordingSource, readBatchRecording, toBatch } from './batch-recording';
export { encodedInput } from './encoded-input';
export { ReplayError, type ReplayErrorCode } from './errors';
export { type GroupBy, grouper } from './group-by';
export { MAX_KEY_LENGTH, type ParseLineOptions, parseLine } from './line-protocol-parser';
export { type LineProtocolOptions, parseLineProtocol, readLineProtocol } from './line-protocol-reader';
export { type FormatLineOptions, formatFloat, formatLine } from './line-protocol-writer';
export { nsPerUnit, PRECISIONS, type Precision } from './precision';
export { formatBatchJson, formatBatchRecording, formatStreamRecording } from './recording-writers';
export {
  type EncodedChunk,
  type ReplayDriverOptions,
  type ReplayInput,
  type ReplayResult,
  ReplayUdfError,
  runReplay,
} from './replay-driver';
export { planEdge, planInput, type ReplayPlan } from './replay-plan';
export { formatRfc3339Nano, parseRfc3339Nano } from './rfc3339';
export { type RecordingSource, readStreamRecording, type StreamRecordingOptions } from './stream-recording';
export { StreamWindows, type Window } from './stream-windows';
export type { TextSource } from './text-chunks';
export { optionsFromPairs, parseTickOptions } from './tick-options';
