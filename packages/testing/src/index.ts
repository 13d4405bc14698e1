export { groupID } from '@kapacitor-udf/core';
export type { Batch } from '@kapacitor-udf/decorators';
export { type BatchInput, batch, type FieldValue, type PointInput, point } from './builders';
export { parseDurationLiteral } from './duration-literal';
export { batchesOf, type Emitted, pointsOf } from './emitted';
export { HarnessError, type HarnessErrorCode } from './errors';
export { formatPoint, formatRequest, formatResponse } from './format';
export { type CreateHarnessOptions, type HarnessOptions, type SpawnHarnessOptions, UdfHarness } from './harness';
export { KapacitorClient, type KapacitorClientOptions, type SpawnOptions, type Traffic } from './kapacitor-client';
export { formatEmitted } from './line-protocol-output';
export { type LogEntry, MemoryLogger } from './memory-logger';
export { type DeclaredOptions, type OptionsInput, raw, type TickOptions, type TickValue, toInitOptions } from './options';
export { type ReplayOptions, type ReplaySource, readReplaySource } from './replay-input';
export { type InitIds, kapacitorPoint, requests } from './requests';
export { fromDate, ns, type TimeInput, time } from './time';
export { type SocketUdf, type SpawnSocketUdfOptions, type SpawnUdfOptions, spawnSocketUdf, spawnUdf } from './udf-run';
export {
  type InMemoryWirePeer,
  type OutputErrorStage,
  type RequestMessage,
  type ResponseKind,
  type ResponseValue,
  WirePeer,
  type WirePeerOptions,
} from './wire-peer';
