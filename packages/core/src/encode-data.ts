/**
 * The hot path, encoding: hand-written encoders for Point, BeginBatch and
 * EndBatch. Output is byte-identical to Go's deterministic protobuf encoder
 * (fields in number order, defaults omitted, map entries sorted by key with
 * key and value always written).
 */
import * as tags from './data-field-tags';
import { EncodeError } from './errors';
import { DOUBLE_PREFIX_ROOM, knownInOrder, writeKnownDoubleKey } from './field-key-memo';
import { compareUtf8, sortedKeys } from './map-keys';
import type { BeginBatch, EndBatch, Point } from './protocol/udf';
import { lastSeriesHead, type SeriesHead } from './series-cache';
import { describeType, type WireWriter } from './wire-writer';

// The field tags as this module's own consts. Invariant (hot path): a
// module-level const is folded into the switches below by V8 (measured: no
// slower than literals); a property of another module's CommonJS exports
// (what an imported binding compiles to) is loaded again at every use.
const {
  POINT_TIME,
  POINT_NAME,
  POINT_DATABASE,
  POINT_RETENTION_POLICY,
  POINT_GROUP,
  POINT_DIMENSIONS,
  POINT_TAGS,
  POINT_FIELDS_DOUBLE,
  POINT_FIELDS_INT,
  POINT_FIELDS_STRING,
  POINT_BY_NAME,
  POINT_FIELDS_BOOL,
  BEGIN_BATCH_NAME,
  BEGIN_BATCH_GROUP,
  BEGIN_BATCH_TAGS,
  BEGIN_BATCH_SIZE,
  BEGIN_BATCH_BY_NAME,
  END_BATCH_NAME,
  END_BATCH_GROUP,
  END_BATCH_TMAX,
  END_BATCH_TAGS,
  END_BATCH_BY_NAME,
  ENTRY_KEY,
  ENTRY_STRING_VALUE,
  ENTRY_DOUBLE_VALUE,
  ENTRY_VARINT_VALUE,
} = tags;

// Absent (undefined) fields are written as defaults, so partially built
// objects from JavaScript callers still encode; wrong types throw EncodeError.

export function writePoint(w: WireWriter, p: Point): void {
  if (p === null || typeof p !== 'object') throw new EncodeError(`a Point must be an object, got ${describeType(p)}`);
  const time = p.time;
  if (time !== 0n && time !== undefined) {
    w.byte(POINT_TIME);
    w.int64(time, 'Point.time');
  }
  const head = lastSeriesHead();
  if (head !== undefined && head.canonical !== undefined && hasHead(p, head)) {
    const bytes = head.canonical;
    w.ensure(bytes.length);
    w.buf.set(bytes, w.pos);
    w.pos += bytes.length;
  } else {
    writeHead(w, p.name, p.database, p.retentionPolicy, p.group, p.dimensions, p.tags);
  }
  if (p.fieldsDouble !== undefined) writeDoubleMap(w, POINT_FIELDS_DOUBLE, p.fieldsDouble, 'Point.fieldsDouble');
  if (p.fieldsInt !== undefined) writeInt64Map(w, POINT_FIELDS_INT, p.fieldsInt, 'Point.fieldsInt');
  if (p.fieldsString !== undefined) writeStringMap(w, POINT_FIELDS_STRING, p.fieldsString, 'Point.fieldsString');
  if (p.byName === true) {
    w.byte(POINT_BY_NAME);
    w.byte(1);
  } else if (p.byName !== false && p.byName !== undefined) {
    w.bool(p.byName, 'Point.byName');
  }
  if (p.fieldsBool !== undefined) writeBoolMap(w, POINT_FIELDS_BOOL, p.fieldsBool, 'Point.fieldsBool');
}

/** Fields 2..7 of a Point: name, database, retention policy, group, dimensions, tags (also what decode-data.ts caches as a head's canonical bytes). */
export function writeHead(
  w: WireWriter,
  name: string,
  database: string,
  retentionPolicy: string,
  group: string,
  dimensions: readonly string[],
  tags: { readonly [key: string]: string },
): void {
  if (name !== '' && name !== undefined) {
    stringField(w, POINT_NAME, name, 'Point.name');
  }
  if (database !== '' && database !== undefined) {
    stringField(w, POINT_DATABASE, database, 'Point.database');
  }
  if (retentionPolicy !== '' && retentionPolicy !== undefined) {
    stringField(w, POINT_RETENTION_POLICY, retentionPolicy, 'Point.retentionPolicy');
  }
  if (group !== '' && group !== undefined) {
    stringField(w, POINT_GROUP, group, 'Point.group');
  }
  if (dimensions !== undefined) {
    if (!Array.isArray(dimensions)) throw new EncodeError(`Point.dimensions must be an array of strings, got ${describeType(dimensions)}`);
    for (let i = 0; i < dimensions.length; i++) {
      stringField(w, POINT_DIMENSIONS, dimensions[i], 'Point.dimensions[]');
    }
  }
  if (tags !== undefined) writeStringMap(w, POINT_TAGS, tags, 'Point.tags');
}

/**
 * True when the point's head fields hold exactly the values of `head`
 * (same strings, same dimensions, same tags in the same order, own
 * enumerable string properties only), so that head.canonical is their encoding.
 */
function hasHead(p: Point, head: SeriesHead): boolean {
  if (p.name !== head.name || p.database !== head.database || p.retentionPolicy !== head.retentionPolicy || p.group !== head.group) {
    return false;
  }
  const dims = p.dimensions;
  const hd = head.dimensions;
  if (!Array.isArray(dims) || dims.length !== hd.length) return false;
  for (let i = 0; i < hd.length; i++) if (dims[i] !== hd[i]) return false;
  const tags = p.tags;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return false;
  const keys = head.tagKeys;
  const values = head.tagValues;
  const n = keys.length;
  let i = 0;
  for (const key in tags) {
    if (i === n || key !== keys[i] || tags[key] !== values[i] || !hasOwn.call(tags, key)) return false;
    i++;
  }
  return i === n;
}

export function writeBeginBatch(w: WireWriter, b: BeginBatch): void {
  if (b === null || typeof b !== 'object') throw new EncodeError(`a BeginBatch must be an object, got ${describeType(b)}`);
  if (b.name !== '' && b.name !== undefined) {
    stringField(w, BEGIN_BATCH_NAME, b.name, 'BeginBatch.name');
  }
  if (b.group !== '' && b.group !== undefined) {
    stringField(w, BEGIN_BATCH_GROUP, b.group, 'BeginBatch.group');
  }
  if (b.tags !== undefined) writeStringMap(w, BEGIN_BATCH_TAGS, b.tags, 'BeginBatch.tags');
  if (b.size !== 0n && b.size !== undefined) {
    w.byte(BEGIN_BATCH_SIZE);
    w.int64(b.size, 'BeginBatch.size');
  }
  writeBoolField(w, BEGIN_BATCH_BY_NAME, b.byName, 'BeginBatch.byName');
}

export function writeEndBatch(w: WireWriter, e: EndBatch): void {
  if (e === null || typeof e !== 'object') throw new EncodeError(`an EndBatch must be an object, got ${describeType(e)}`);
  if (e.name !== '' && e.name !== undefined) {
    stringField(w, END_BATCH_NAME, e.name, 'EndBatch.name');
  }
  if (e.group !== '' && e.group !== undefined) {
    stringField(w, END_BATCH_GROUP, e.group, 'EndBatch.group');
  }
  if (e.tmax !== 0n && e.tmax !== undefined) {
    w.byte(END_BATCH_TMAX);
    w.int64(e.tmax, 'EndBatch.tmax');
  }
  if (e.tags !== undefined) writeStringMap(w, END_BATCH_TAGS, e.tags, 'EndBatch.tags');
  writeBoolField(w, END_BATCH_BY_NAME, e.byName, 'EndBatch.byName');
}

/** A string field: tag, length, bytes, with a fast path for short ASCII strings. */
function stringField(w: WireWriter, tag: number, s: string, what: string): void {
  if (typeof s === 'string' && s.length < 120) {
    w.ensure(s.length + 2);
    const buf = w.buf;
    const start = w.pos;
    buf[start] = tag;
    buf[start + 1] = s.length;
    const p = asciiAt(buf, start + 2, s);
    if (p >= 0) {
      w.pos = p;
      return;
    }
  }
  w.byte(tag);
  w.string(s, what);
}

function writeBoolField(w: WireWriter, tag: number, v: boolean | undefined, what: string): void {
  if (v === false || v === undefined) return;
  w.byte(tag);
  w.bool(v, what);
}

function checkMap(map: unknown, what: string): void {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw new EncodeError(`${what} must be a plain object map, got ${describeType(map)}`);
  }
}

/**
 * Copies an ASCII string to buf at p; returns the position after it, or -1
 * (having written garbage, to be overwritten) if a character is not ASCII.
 */
function asciiAt(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[p++] = c;
  }
  return p;
}

// Map encoding. Keys go out in Go order (bytewise UTF-8), as Go's
// deterministic marshalling writes them (Kapacitor needs no order, but one
// encoding per value keeps output reproducible). Iterate with for-in first:
// no key array is allocated, V8 reads the values through its enum cache, and
// keys usually are in order already (the decoder stores tags and double
// fields in Go order, and objects keep insertion order). If a key is out of order, rewind and redo the
// map from a sorted key list. hasOwnProperty keeps inherited enumerable keys
// out (and is folded away by V8 for for-in keys).

const hasOwn = Object.prototype.hasOwnProperty;

// The loop is repeated per value type (not shared through a callback) so
// that each stays monomorphic and its entry writer is inlined.

export function writeStringMap(w: WireWriter, tag: number, map: { [key: string]: string }, what: string): void {
  checkMap(map, what);
  const start = w.pos;
  let prev = '';
  for (const key in map) {
    if (!hasOwn.call(map, key)) continue;
    if (w.pos !== start && compareUtf8(prev, key) >= 0) {
      w.pos = start;
      for (const k of sortedKeys(map)) writeStringEntry(w, tag, k, map[k], what);
      return;
    }
    prev = key;
    writeStringEntry(w, tag, key, map[key], what);
  }
}

function writeDoubleMap(w: WireWriter, tag: number, map: { [key: string]: number }, what: string): void {
  checkMap(map, what);
  const start = w.pos;
  let prev = '';
  let index = 0;
  for (const key in map) {
    if (!hasOwn.call(map, key)) continue;
    if (index !== 0 && !knownInOrder(index, prev, key) && compareUtf8(prev, key) >= 0) {
      w.pos = start;
      index = 0;
      for (const k of sortedKeys(map)) writeDoubleEntry(w, tag, k, map[k], what, index++);
      return;
    }
    prev = key;
    writeDoubleEntry(w, tag, key, map[key], what, index++);
  }
}

function writeInt64Map(w: WireWriter, tag: number, map: { [key: string]: bigint }, what: string): void {
  checkMap(map, what);
  const start = w.pos;
  let prev = '';
  for (const key in map) {
    if (!hasOwn.call(map, key)) continue;
    if (w.pos !== start && compareUtf8(prev, key) >= 0) {
      w.pos = start;
      for (const k of sortedKeys(map)) writeInt64Entry(w, tag, k, map[k], what);
      return;
    }
    prev = key;
    writeInt64Entry(w, tag, key, map[key], what);
  }
}

function writeBoolMap(w: WireWriter, tag: number, map: { [key: string]: boolean }, what: string): void {
  checkMap(map, what);
  const start = w.pos;
  let prev = '';
  for (const key in map) {
    if (!hasOwn.call(map, key)) continue;
    if (w.pos !== start && compareUtf8(prev, key) >= 0) {
      w.pos = start;
      for (const k of sortedKeys(map)) writeBoolEntry(w, tag, k, map[k], what);
      return;
    }
    prev = key;
    writeBoolEntry(w, tag, key, map[key], what);
  }
}

function writeStringEntry(w: WireWriter, tag: number, key: string, value: string, what: string): void {
  if (typeof value !== 'string') notA('a string', what, key, value);
  if (key.length + value.length <= 120) {
    // Fast path for short ASCII entries: one capacity check, then bytes
    // written directly (all lengths fit one byte).
    w.ensure(key.length + value.length + 6);
    const buf = w.buf;
    const start = w.pos;
    buf[start] = tag;
    buf[start + 2] = ENTRY_KEY;
    buf[start + 3] = key.length;
    let p = asciiAt(buf, start + 4, key);
    if (p >= 0) {
      buf[p] = ENTRY_STRING_VALUE;
      buf[p + 1] = value.length;
      p = asciiAt(buf, p + 2, value);
      if (p >= 0) {
        buf[start + 1] = p - start - 2;
        w.pos = p;
        return;
      }
    }
  }
  w.byte(tag);
  const lenPos = w.reserveLen();
  w.byte(ENTRY_KEY);
  w.string(key, what);
  w.byte(ENTRY_STRING_VALUE);
  w.string(value, what);
  w.finishLen(lenPos);
}

function writeDoubleEntry(w: WireWriter, tag: number, key: string, value: number, what: string, index: number): void {
  if (typeof value !== 'number') notA('a number', what, key, value);
  // A key this position had on the way in: copy its entry bytes.
  w.ensure(1 + DOUBLE_PREFIX_ROOM + 8);
  const view = w.dataView();
  const known = writeKnownDoubleKey(index, key, w.buf, view, w.pos + 1);
  if (known >= 0) {
    w.buf[w.pos] = tag;
    view.setFloat64(known, value, true);
    w.pos = known + 8;
    return;
  }
  writeDoubleEntryInGeneral(w, tag, key, value, what);
}

function writeDoubleEntryInGeneral(w: WireWriter, tag: number, key: string, value: number, what: string): void {
  if (key.length <= 100) {
    // Fast path for short ASCII keys (see writeStringEntry).
    w.ensure(key.length + 13);
    const buf = w.buf;
    const start = w.pos;
    buf[start] = tag;
    buf[start + 1] = key.length + 11;
    buf[start + 2] = ENTRY_KEY;
    buf[start + 3] = key.length;
    const p = asciiAt(buf, start + 4, key);
    if (p >= 0) {
      buf[p] = ENTRY_DOUBLE_VALUE;
      w.pos = p + 1;
      w.double(value, what);
      return;
    }
  }
  w.byte(tag);
  const lenPos = w.reserveLen();
  w.byte(ENTRY_KEY);
  w.string(key, what);
  w.byte(ENTRY_DOUBLE_VALUE);
  w.double(value, what);
  w.finishLen(lenPos);
}

/** Throws the EncodeError for a map value of the wrong type (out of line: keeps the writers small). */
function notA(expected: string, what: string, key: string, value: unknown): never {
  throw new EncodeError(`${what}[${JSON.stringify(key)}] must be ${expected}, got ${describeType(value)}`);
}

function writeInt64Entry(w: WireWriter, tag: number, key: string, value: bigint, what: string): void {
  if (typeof value !== 'bigint')
    throw new EncodeError(
      `${what}[${JSON.stringify(key)}] must be a bigint (int64), got ${describeType(value)}: write e.g. 10n or BigInt(x)`,
    );
  w.byte(tag);
  const lenPos = w.reserveLen();
  w.byte(ENTRY_KEY);
  w.string(key, what);
  w.byte(ENTRY_VARINT_VALUE);
  w.int64(value, what);
  w.finishLen(lenPos);
}

function writeBoolEntry(w: WireWriter, tag: number, key: string, value: boolean, what: string): void {
  if (typeof value !== 'boolean') throw new EncodeError(`${what}[${JSON.stringify(key)}] must be a boolean, got ${describeType(value)}`);
  w.byte(tag);
  const lenPos = w.reserveLen();
  w.byte(ENTRY_KEY);
  w.string(key, what);
  w.byte(ENTRY_VARINT_VALUE);
  w.byte(value ? 1 : 0);
  w.finishLen(lenPos);
}
