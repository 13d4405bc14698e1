import { UdfError } from '@kapacitor-udf/core';

export type ReplayErrorCode =
  /** A line of line protocol (or the point line of a stream recording) is not valid. */
  | 'ERR_LINE_PROTOCOL'
  /** A stream recording (.srpl) is not three lines per point, or not gzip. */
  | 'ERR_STREAM_RECORDING'
  /** A batch recording (.brpl) is not a zip of JSON batches as Kapacitor writes them. */
  | 'ERR_BATCH_RECORDING'
  /** A point cannot be written as line protocol (e.g. a tag value ending in a backslash). */
  | 'ERR_LINE_PROTOCOL_WRITE'
  /** A replay setting is not usable (grouping, batching, input kind vs the UDF's edge). */
  | 'ERR_REPLAY_SETTING'
  /** Options given in TICKscript form or as name=value cannot be read. */
  | 'ERR_TICK_OPTIONS'
  /** The UDF refused its options or snapshot, or answered with an error. */
  | 'ERR_UDF_FAILED';

/** Every error of the replay package: `code` says which kind, the message where and what to do. */
export class ReplayError extends UdfError<ReplayErrorCode> {
  /** 1-based line of the input the error is about, when it is about one. */
  readonly line: number | undefined;

  constructor(code: ReplayErrorCode, message: string, line?: number, options?: ErrorOptions) {
    super(code, message, options);
    this.line = line;
  }
}
