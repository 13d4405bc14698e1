/**
 * Kapacitor's stream recording (`<id>.srpl` in the [replay] dir): a gzip
 * stream of three lines per point, as `WritePointForRecording` writes them
 * (kapacitor replay.go): the database, the retention policy, and the point in
 * line protocol with nanosecond times. Kapacitor reads it back with
 * `readPointsFromIO` the same way: any line may be empty (an empty database
 * name), so no line is skipped, and an incomplete last record is an error.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Point } from '@kapacitor-udf/core';
import { ReplayError } from './errors';
import { parseLine } from './line-protocol-parser';
import { collectLines, LineSplitter } from './line-splitter';
import { textChunks } from './text-chunks';

export interface StreamRecordingOptions {
  /** Time for a point line without a timestamp (Kapacitor writes none only for a zero time). Default: such a line is an error. */
  defaultTime?: bigint;
}

/** The source of a recording: a file path, or its (gzip) bytes. */
export type RecordingSource = string | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | NodeJS.ReadableStream;

function openBytes(source: RecordingSource): Readable {
  if (typeof source === 'string') return fs.createReadStream(source, { highWaterMark: 256 * 1024 });
  return source instanceof Readable ? source : Readable.from(source as AsyncIterable<Uint8Array>, { objectMode: false });
}

/**
 * The decompressed bytes of a recording, in chunks of up to 256 KiB (large
 * chunks: fewer hand-offs per point); a gzip error becomes a ReplayError.
 */
export async function* gunzipRecording(source: RecordingSource): AsyncGenerator<Buffer> {
  const input = openBytes(source);
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  let inputError: Error | undefined;
  input.on('error', (err) => {
    inputError = err;
    gunzip.destroy(err);
  });
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    if (inputError !== undefined) throw inputError;
    const code = (err as { code?: string }).code;
    const what =
      code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR'
        ? 'is not gzip data or is cut short (a .srpl file is a gzip stream, as Kapacitor writes it)'
        : 'could not be decompressed';
    throw new ReplayError('ERR_STREAM_RECORDING', `the stream recording ${what}: ${(err as Error).message}`, undefined, { cause: err });
  } finally {
    input.destroy();
  }
}

/** The points of a stream recording, in recorded order, one array per chunk read. */
export async function* readStreamRecording(source: RecordingSource, options: StreamRecordingOptions = {}): AsyncGenerator<Point[]> {
  const gunzipped = gunzipRecording(source);
  const parseOptions = { nsPerUnit: 1n, defaultTime: options.defaultTime };
  // Lines are read strictly one by one (no quote-aware joining), as
  // Kapacitor's bufio.Scanner does: a record is always three lines.
  const splitter = new LineSplitter(false);
  let database = '';
  let retentionPolicy = '';
  let index = 0;
  const onLine = (s: string, start: number, end: number, lineNumber: number, out: Point[]) => {
    const role = index % 3;
    index++;
    if (role === 0) database = s.slice(start, end);
    else if (role === 1) retentionPolicy = s.slice(start, end);
    else {
      const p = parseLine(s, start, end, lineNumber, parseOptions);
      if (p === undefined) {
        throw new ReplayError(
          'ERR_STREAM_RECORDING',
          `line ${lineNumber}: expected a point in line protocol (every third line of a stream recording), found ${JSON.stringify(s.slice(start, end))}`,
          lineNumber,
        );
      }
      p.database = database;
      p.retentionPolicy = retentionPolicy;
      out.push(p);
    }
  };
  yield* collectLines(splitter, textChunks(gunzipped, 'ERR_STREAM_RECORDING', 'the stream recording'), onLine);
  if (index % 3 !== 0) {
    throw new ReplayError(
      'ERR_STREAM_RECORDING',
      `the stream recording ends in the middle of a record (line ${index}): each point is three lines, database, retention policy and the point`,
      index,
    );
  }
}
