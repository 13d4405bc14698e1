/**
 * Kapacitor's batch recording (`<id>.brpl`): a zip archive with one entry per
 * query of the task, named `0`, `1`, ... (services/replay `batchArchive`),
 * each a sequence of JSON documents, one per batch, as edge
 * `bufferedBatchMessage.MarshalJSON` writes them:
 *
 *   {"name","tmax","group","byname","tags","points":[{"fields","tags","time"}]}
 *
 * with times in RFC 3339 with nanoseconds. Read back as Kapacitor's replay
 * reads it (`UnmarshalJSON`, `readBatchFromIO`, `replayBatchFromChan` with the
 * recorded times):
 * - the group is not read but recomputed from name, tags (all of them, sorted)
 *   and byname; the batch's size is its number of points;
 * - a point without tags takes the batch's tags;
 * - JSON numbers are doubles (Go decodes them into float64): an integer field
 *   recorded as 5 replays as the double 5;
 * - a batch without points is skipped;
 * - tmax becomes the last point's time when that is later.
 * Entries are replayed one after the other in archive order (Kapacitor feeds
 * each query's node at once; a UDF below one query node sees one entry).
 */
import type { Point } from '@kapacitor-udf/core';
import { groupID } from '@kapacitor-udf/core';
import { setOwn, sortedKeys } from '@kapacitor-udf/core/internal';
import * as yauzl from 'yauzl';
import type { Batch } from './batch';
import { ReplayError } from './errors';
import { JsonDocumentSplitter } from './json-documents';
import { parseRfc3339Nano } from './rfc3339';
import { textChunks } from './text-chunks';

/** A batch recording: its file path, or its bytes. */
export type BatchRecordingSource = string | Uint8Array;

function fail(what: string, cause?: unknown): never {
  throw new ReplayError('ERR_BATCH_RECORDING', `the batch recording ${what}`, undefined, cause === undefined ? undefined : { cause });
}

function openZip(source: BatchRecordingSource): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => {
      if (err !== null || zip === undefined) {
        const code = (err as { code?: string } | null)?.code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') reject(err);
        else
          reject(
            new ReplayError(
              'ERR_BATCH_RECORDING',
              `the batch recording is not a zip archive (a .brpl is one, as Kapacitor writes it): ${err?.message}`,
              undefined,
              { cause: err },
            ),
          );
      } else resolve(zip);
    };
    const options = { lazyEntries: true, autoClose: true, decodeStrings: true, validateEntrySizes: true };
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(Buffer.from(source.buffer, source.byteOffset, source.byteLength), options, done);
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err !== null || stream === undefined ? reject(err) : resolve(stream)));
  });
}

/** The batches of a batch recording, entry after entry, in recorded order. */
export async function* readBatchRecording(source: BatchRecordingSource): AsyncGenerator<Batch> {
  const zip = await openZip(source);
  try {
    for (;;) {
      let entry: yauzl.Entry | undefined;
      try {
        entry = await nextEntry(zip);
      } catch (err) {
        fail(`is not a readable zip archive: ${(err as Error).message}`, err);
      }
      if (entry === undefined) return;
      if (entry.fileName.endsWith('/')) continue;
      const entryName = entry.fileName;
      let stream: NodeJS.ReadableStream;
      try {
        stream = await openEntry(zip, entry);
      } catch (err) {
        fail(`entry ${JSON.stringify(entryName)} cannot be read: ${(err as Error).message}`, err);
      }
      yield* readEntry(stream as AsyncIterable<Buffer>, entryName);
    }
  } finally {
    zip.close();
  }
}

async function* readEntry(stream: AsyncIterable<Buffer>, entryName: string): AsyncGenerator<Batch> {
  const where = (line: number) => `entry ${JSON.stringify(entryName)} line ${line}`;
  const splitter = new JsonDocumentSplitter((what, line) => fail(`${where(line)}: ${what}`));
  let out: Batch[] = [];
  const onDocument = (text: string, line: number) => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      fail(`${where(line)}: not valid JSON: ${(err as Error).message}`, err);
    }
    const batch = toBatch(doc, where(line));
    if (batch !== undefined) out.push(batch);
  };
  let chunks: AsyncGenerator<string>;
  try {
    chunks = textChunks(stream, 'ERR_BATCH_RECORDING', `entry ${JSON.stringify(entryName)} of the batch recording`);
    for await (const chunk of chunks) {
      let failure: unknown;
      try {
        splitter.push(chunk, onDocument);
      } catch (err) {
        failure = err;
      }
      yield* out;
      out = [];
      if (failure !== undefined) throw failure;
    }
  } catch (err) {
    if (err instanceof ReplayError) throw err;
    fail(`entry ${JSON.stringify(entryName)} cannot be decompressed: ${(err as Error).message}`, err);
  }
  splitter.end();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readTags(value: unknown, what: string): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined || value === null) return tags;
  if (!isObject(value)) fail(`${what}: "tags" must be an object of strings`);
  for (const key of sortedKeys(value)) {
    const v = value[key];
    if (typeof v !== 'string') fail(`${what}: tag ${JSON.stringify(key)} is not a string`);
    setOwn(tags, key, v);
  }
  return tags;
}

function readTime(value: unknown, what: string): bigint {
  const ns = typeof value === 'string' ? parseRfc3339Nano(value) : undefined;
  if (ns === undefined) fail(`${what}: ${JSON.stringify(value)} is not an RFC 3339 time`);
  return ns as bigint;
}

/** One recorded batch as the requests Kapacitor would send; undefined for a batch without points. */
export function toBatch(doc: unknown, what: string): Batch | undefined {
  if (!isObject(doc)) fail(`${what}: a batch must be a JSON object`);
  const rawPoints = doc.points ?? [];
  if (!Array.isArray(rawPoints)) fail(`${what}: "points" must be an array`);
  if (rawPoints.length === 0) return undefined;
  const name = doc.name ?? '';
  if (typeof name !== 'string') fail(`${what}: "name" must be a string`);
  const byName = doc.byname ?? false;
  if (typeof byName !== 'boolean') fail(`${what}: "byname" must be true or false`);
  const tags = readTags(doc.tags, what);
  const group = groupID(name, tags, sortedKeys(tags), byName);
  let tmax = doc.tmax === undefined ? 0n : readTime(doc.tmax, `${what} tmax`);
  const points: Point[] = [];
  for (let i = 0; i < rawPoints.length; i++) {
    const raw = rawPoints[i];
    const at = `${what} point ${i + 1}`;
    if (!isObject(raw)) fail(`${at}: a point must be a JSON object`);
    const pointTags = readTags(raw.tags, at);
    const fieldsDouble: Record<string, number> = {};
    const fieldsString: Record<string, string> = {};
    const fieldsBool: Record<string, boolean> = {};
    if (!isObject(raw.fields)) fail(`${at}: "fields" must be an object`);
    for (const key of sortedKeys(raw.fields)) {
      const v = raw.fields[key];
      if (typeof v === 'number') setOwn(fieldsDouble, key, v);
      else if (typeof v === 'string') setOwn(fieldsString, key, v);
      else if (typeof v === 'boolean') setOwn(fieldsBool, key, v);
      else
        fail(
          `${at}: field ${JSON.stringify(key)} is ${v === null ? 'null' : 'not a number, string or boolean'} (Kapacitor cannot send it to a UDF)`,
        );
    }
    points.push({
      time: readTime(raw.time, at),
      name: '',
      database: '',
      retentionPolicy: '',
      group,
      dimensions: [],
      tags: Object.keys(pointTags).length === 0 ? { ...tags } : pointTags,
      fieldsDouble,
      fieldsInt: {},
      fieldsString,
      byName: false,
      fieldsBool,
    });
  }
  const last = points[points.length - 1].time;
  if (tmax < last) tmax = last;
  return {
    begin: { name, group, tags: { ...tags }, size: BigInt(points.length), byName },
    points,
    end: { name, group, tmax, tags: { ...tags }, byName: false },
  };
}
