/**
 * Writes recordings in Kapacitor's formats, for fixtures and for turning
 * your own data into something `kapacitor replay` and `udf-run --replay`
 * both read: a stream recording is gzip of (database, retention policy,
 * line protocol) per point; a batch recording is a zip with one entry per
 * query, `0`, `1`, ..., each holding one JSON document per batch and line
 * as Go's json.Encoder writes `bufferedBatchMessage` (empty name, group,
 * tags and a false byname are left out, as their `omitempty` tags say).
 */
import * as zlib from 'node:zlib';
import type { Point } from '@kapacitor-udf/core';
import { sortedKeys } from '@kapacitor-udf/core/internal';
import type { Batch } from './batch';
import { formatLine } from './line-protocol-writer';
import { formatRfc3339Nano } from './rfc3339';

/** A stream recording (.srpl) of `points` (their database and retention policy are kept). */
export function formatStreamRecording(points: Iterable<Point>): Buffer {
  const lines: string[] = [];
  for (const p of points) lines.push(p.database, p.retentionPolicy, formatLine(p));
  return zlib.gzipSync(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

function jsonMap(map: Readonly<Record<string, unknown>>, value: (v: unknown) => string): string {
  return `{${sortedKeys(map)
    .map((k) => `${JSON.stringify(k)}:${value(map[k])}`)
    .join(',')}}`;
}

function jsonValue(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
}

/** One batch as Kapacitor's JSON (a line of a .brpl entry, without the newline). */
export function formatBatchJson(b: Batch): string {
  const parts: string[] = [];
  if (b.begin.name !== '') parts.push(`"name":${JSON.stringify(b.begin.name)}`);
  parts.push(`"tmax":${JSON.stringify(formatRfc3339Nano(b.end.tmax))}`);
  if (b.begin.group !== '') parts.push(`"group":${JSON.stringify(b.begin.group)}`);
  if (b.begin.byName) parts.push('"byname":true');
  if (Object.keys(b.begin.tags).length > 0) parts.push(`"tags":${jsonMap(b.begin.tags, jsonValue)}`);
  if (b.points.length > 0) {
    const points = b.points.map((p) => {
      const fields = { ...p.fieldsString, ...p.fieldsInt, ...p.fieldsDouble, ...p.fieldsBool };
      return `{"fields":${jsonMap(fields, jsonValue)},"tags":${jsonMap(p.tags, jsonValue)},"time":${JSON.stringify(formatRfc3339Nano(p.time))}}`;
    });
    parts.push(`"points":[${points.join(',')}]`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A batch recording (.brpl): one zip entry per query, each a list of batches
 * (or the entry's text as it is, e.g. JSON exactly as Kapacitor wrote it).
 */
export function formatBatchRecording(queries: readonly (readonly Batch[] | string)[]): Buffer {
  return zip(
    queries.map((entry, i) => ({
      name: String(i),
      data: Buffer.from(typeof entry === 'string' ? entry : entry.map((b) => `${formatBatchJson(b)}\n`).join('')),
    })),
  );
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of deflated entries (no data descriptors, no zip64: entries below 4 GiB). */
function zip(entries: readonly { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = zlib.deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
