/**
 * The hot path: hand-written codecs for Point, BeginBatch and EndBatch, the
 * messages that flow by the million. Output is byte-identical to Go's
 * deterministic protobuf encoder (fields in number order, defaults omitted,
 * map entries sorted by key with key and value always written). Kapacitor
 * itself marshals without sorting, so input map entries come in any order.
 */
import { EncodeError } from './errors';
import { DOUBLE_PREFIX_ROOM, knownDoubleKey, knownInOrder, placeInGoOrder, rememberDoubleKey, writeKnownDoubleKey } from './field-key-memo';
import type { BeginBatch, EndBatch, Point } from './generated/udf';
import { compareUtf8, setOwn, sortedKeys } from './map-keys';
import {
  bypassingHeads,
  headEnd,
  lastSeriesHead,
  lookupHead,
  MAX_HEAD_BYTES,
  MIN_HEAD_BYTES,
  rememberHead,
  repeatedHead,
  type SeriesHead,
} from './series-cache';
import { FIXED64, LEN, tagOf, VARINT, type WireReader } from './wire-reader';
import { describeType, WireWriter } from './wire-writer';

// Field tags (field number << 3 | wire type) of udf.proto's data messages.
// Module-level consts: V8 treats them as constants in the decoders' switches
// (measured: no slower than the literals they replace).
const POINT_TIME = tagOf(1, VARINT); // 8
const POINT_NAME = tagOf(2, LEN); // 18
const POINT_DATABASE = tagOf(3, LEN); // 26
const POINT_RETENTION_POLICY = tagOf(4, LEN); // 34
const POINT_GROUP = tagOf(5, LEN); // 42
const POINT_DIMENSIONS = tagOf(6, LEN); // 50
const POINT_TAGS = tagOf(7, LEN); // 58
const POINT_FIELDS_DOUBLE = tagOf(8, LEN); // 66
const POINT_FIELDS_INT = tagOf(9, LEN); // 74
const POINT_FIELDS_STRING = tagOf(10, LEN); // 82
const POINT_BY_NAME = tagOf(11, VARINT); // 88
const POINT_FIELDS_BOOL = tagOf(12, LEN); // 98
const BEGIN_BATCH_NAME = tagOf(1, LEN); // 10
const BEGIN_BATCH_GROUP = tagOf(2, LEN); // 18
const BEGIN_BATCH_TAGS = tagOf(3, LEN); // 26
const BEGIN_BATCH_SIZE = tagOf(4, VARINT); // 32
const BEGIN_BATCH_BY_NAME = tagOf(5, VARINT); // 40
const END_BATCH_NAME = tagOf(1, LEN); // 10
const END_BATCH_GROUP = tagOf(2, LEN); // 18
const END_BATCH_TMAX = tagOf(3, VARINT); // 24
const END_BATCH_TAGS = tagOf(4, LEN); // 34
const END_BATCH_BY_NAME = tagOf(5, VARINT); // 40
// Map entries: {1: key, 2: value}.
const ENTRY_KEY = tagOf(1, LEN); // 10
const ENTRY_STRING_VALUE = tagOf(2, LEN); // 18
const ENTRY_DOUBLE_VALUE = tagOf(2, FIXED64); // 17
const ENTRY_VARINT_VALUE = tagOf(2, VARINT); // 16

// Expected wire type and name of each field number, for error messages and
// for telling a malformed known field from an unknown one.
const POINT_WIRE = [undefined, VARINT, LEN, LEN, LEN, LEN, LEN, LEN, LEN, LEN, LEN, VARINT, LEN];
const POINT_NAMES = [
  undefined,
  'time',
  'name',
  'database',
  'retentionPolicy',
  'group',
  'dimensions',
  'tags',
  'fieldsDouble',
  'fieldsInt',
  'fieldsString',
  'byName',
  'fieldsBool',
];
const BEGIN_WIRE = [undefined, LEN, LEN, LEN, VARINT, VARINT];
const BEGIN_NAMES = [undefined, 'name', 'group', 'tags', 'size', 'byName'];
const END_WIRE = [undefined, LEN, LEN, VARINT, LEN, VARINT];
const END_NAMES = [undefined, 'name', 'group', 'tmax', 'tags', 'byName'];
const ENTRY_NAMES = [undefined, 'key', 'value'];
const STRING_ENTRY_WIRE = [undefined, LEN, LEN];
const DOUBLE_ENTRY_WIRE = [undefined, LEN, FIXED64];
const VARINT_ENTRY_WIRE = [undefined, LEN, VARINT];

/**
 * A Point with every field at its protobuf default (what an empty message
 * decodes to). Builders and tests spread their values over it, so a new
 * field in the proto is added in one place.
 */
export function createPoint(): Point {
  return {
    time: 0n,
    name: '',
    database: '',
    retentionPolicy: '',
    group: '',
    dimensions: [],
    tags: {},
    fieldsDouble: {},
    fieldsInt: {},
    fieldsString: {},
    byName: false,
    fieldsBool: {},
  };
}

/**
 * Decodes a Point body up to `end`. Its head is taken from the series cache
 * unless `cached` is false (how the cache itself decodes a head it misses).
 */
export function readPoint(r: WireReader, end: number, cached = true): Point {
  // Fields are read into locals and the Point made once at the end (same
  // property order as createPoint, so the same hidden class): no default
  // values are allocated only to be replaced.
  let time = 0n;
  let name = '';
  let database = '';
  let retentionPolicy = '';
  let group = '';
  let byName = false;
  let tags: { [key: string]: string };
  // Field maps are made on their first entry; a map with none is an
  // EmptyMap (16 bytes, not the 56 of a `{}` literal with its 4 preallocated
  // slots): what a point costs while @OnBatch holds a whole batch.
  let fieldsDouble: { [key: string]: number } | undefined;
  let fieldsInt: { [key: string]: bigint } | undefined;
  let fieldsString: { [key: string]: string } | undefined;
  let fieldsBool: { [key: string]: boolean } | undefined;
  // Dimensions (usually one or two) are held in locals and the array made at
  // its final size: a push onto [] allocates a 17-slot backing store.
  let nd = 0;
  let d0 = '';
  let d1 = '';
  let dims: string[] | undefined;
  let doubles = 0;

  // The usual layout: time, then the series' head (name .. tags), which
  // repeats from point to point and is looked up instead of decoded.
  // Everything else, in any order, goes through the loop below, which also
  // merges any head field that comes again later (as protobuf requires).
  const buf = r.buf;
  if (r.pos < end && buf[r.pos] === POINT_TIME) {
    r.pos++;
    time = r.int64(end);
  }
  const head = cached ? readHead(r, end) : undefined;
  if (head !== undefined) {
    name = head.name;
    database = head.database;
    retentionPolicy = head.retentionPolicy;
    group = head.group;
    const hd = head.dimensions;
    nd = hd.length;
    if (nd > 0) d0 = hd[0];
    if (nd > 1) d1 = hd[1];
    if (nd > 2) dims = hd.slice();
    tags = { ...head.tags };
  } else {
    tags = {};
  }

  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case POINT_TIME:
        time = r.int64(end);
        break;
      case POINT_NAME:
        name = r.string(end);
        break;
      case POINT_DATABASE:
        database = r.string(end);
        break;
      case POINT_RETENTION_POLICY:
        retentionPolicy = r.string(end);
        break;
      case POINT_GROUP:
        group = r.string(end);
        break;
      case POINT_DIMENSIONS: {
        const d = r.string(end);
        if (nd === 0) d0 = d;
        else if (nd === 1) d1 = d;
        else {
          if (dims === undefined) dims = [d0, d1];
          dims.push(d);
        }
        nd++;
        break;
      }
      case POINT_TAGS:
        readStringEntry(r, end, tags, 'Point.tags');
        break;
      case POINT_FIELDS_DOUBLE:
        readDoubleEntry(r, end, doubles++);
        break;
      case POINT_FIELDS_INT:
        readInt64Entry(r, end, (fieldsInt ??= {}));
        break;
      case POINT_FIELDS_STRING:
        readStringEntry(r, end, (fieldsString ??= {}), 'Point.fieldsString');
        break;
      case POINT_BY_NAME:
        byName = r.bool(end);
        break;
      case POINT_FIELDS_BOOL:
        readBoolEntry(r, end, (fieldsBool ??= {}));
        break;
      default:
        r.skipField(tag, end, POINT_WIRE, 'Point', POINT_NAMES);
    }
  }
  if (doubles > 0) putDoublesInGoOrder((fieldsDouble = {}), doubles);
  return {
    time,
    name,
    database,
    retentionPolicy,
    group,
    dimensions: nd === 0 ? [] : nd === 1 ? [d0] : nd === 2 ? [d0, d1] : dims!,
    tags,
    fieldsDouble: fieldsDouble ?? new EmptyMap(),
    fieldsInt: fieldsInt ?? new EmptyMap(),
    fieldsString: fieldsString ?? new EmptyMap(),
    byName,
    fieldsBool: fieldsBool ?? new EmptyMap(),
  };
}

/**
 * An empty map object: a plain object in every observable way (its prototype
 * is Object.prototype, so its constructor is Object), but made by a
 * constructor, so V8's slack tracking shrinks it to no in-object slots.
 * Properties added later (by UDF code) still work, stored out of object.
 */
const EmptyMap = function EmptyMap(): void {
  // no properties
} as unknown as new () => Record<string, never>;
EmptyMap.prototype = Object.prototype;

/**
 * The head (fields 2..7) of the point at r.pos, from the series cache or
 * decoded and remembered; r.pos is then past it. Undefined when the point
 * has no cacheable head (r.pos unchanged: the caller decodes what is there).
 */
function readHead(r: WireReader, end: number): SeriesHead | undefined {
  const start = r.pos;
  const repeated = repeatedHead(r.buf, r.view, start, end);
  if (repeated >= 0) {
    r.pos = repeated;
    return lastSeriesHead();
  }
  if (bypassingHeads()) return undefined;
  const stop = headEnd(r.buf, start, end);
  const n = stop - start;
  if (n < MIN_HEAD_BYTES || n > MAX_HEAD_BYTES) return undefined;
  const cached = lookupHead(r.buf, r.view, start, stop);
  if (cached !== undefined) {
    r.pos = stop;
    return cached;
  }
  const head = decodeHead(r, stop);
  rememberHead(r.buf, start, stop, head);
  return head;
}

/**
 * Decodes fields 2..7 up to `stop` (headEnd() found only those there).
 * Kapacitor's tags come in a random order (plain proto.Marshal), so one
 * series has a head per order it was seen in; each holds its tags in Go
 * order, so the points of a series share one tags layout whatever order
 * their bytes had, and each head's `canonical` is the encoder's bytes for
 * its values (copied on the way out), computed once per head.
 */
function decodeHead(r: WireReader, stop: number): SeriesHead {
  const { name, database, retentionPolicy, group, dimensions, tags: asRead } = readPoint(r, stop, false);
  const tags: { [key: string]: string } = {};
  for (const key of sortedKeys(asRead)) setOwn(tags, key, asRead[key]);
  const tagKeys: string[] = [];
  const tagValues: string[] = [];
  for (const key in tags) {
    tagKeys.push(key);
    tagValues.push(tags[key]);
  }
  // What writeHead() makes of these values, for a point going out with them.
  headWriter.pos = 0;
  writeHead(headWriter, name, database, retentionPolicy, group, dimensions, tags);
  // (A byte loop and a pooled copy: a miss must not cost an ArrayBuffer.)
  const n = headWriter.pos;
  const written = headWriter.buf;
  const canonical = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) canonical[i] = written[i];
  return { name, database, retentionPolicy, group, dimensions, tags, tagKeys, tagValues, canonical };
}

const headWriter = new WireWriter(MAX_HEAD_BYTES);

export function readBeginBatch(r: WireReader, end: number): BeginBatch {
  const b: BeginBatch = { name: '', group: '', tags: {}, size: 0n, byName: false };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case BEGIN_BATCH_NAME:
        b.name = r.string(end);
        break;
      case BEGIN_BATCH_GROUP:
        b.group = r.string(end);
        break;
      case BEGIN_BATCH_TAGS:
        readStringEntry(r, end, b.tags, 'BeginBatch.tags');
        break;
      case BEGIN_BATCH_SIZE:
        b.size = r.int64(end);
        break;
      case BEGIN_BATCH_BY_NAME:
        b.byName = r.bool(end);
        break;
      default:
        r.skipField(tag, end, BEGIN_WIRE, 'BeginBatch', BEGIN_NAMES);
    }
  }
  return b;
}

export function readEndBatch(r: WireReader, end: number): EndBatch {
  const e: EndBatch = { name: '', group: '', tmax: 0n, tags: {}, byName: false };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case END_BATCH_NAME:
        e.name = r.string(end);
        break;
      case END_BATCH_GROUP:
        e.group = r.string(end);
        break;
      case END_BATCH_TMAX:
        e.tmax = r.int64(end);
        break;
      case END_BATCH_TAGS:
        readStringEntry(r, end, e.tags, 'EndBatch.tags');
        break;
      case END_BATCH_BY_NAME:
        e.byName = r.bool(end);
        break;
      default:
        r.skipField(tag, end, END_WIRE, 'EndBatch', END_NAMES);
    }
  }
  return e;
}

// Map entries are tiny messages {1: key, 2: value}; either may be missing
// (then it is the default). Read them inline, without an entry object.

function readStringEntry(r: WireReader, limit: number, map: { [key: string]: string }, what: string): void {
  // Fast path: the exact layout every encoder writes for short entries
  // (len, 0x0a klen key, 0x12 vlen value), read without the generic loop.
  const buf = r.buf;
  const pos = r.pos;
  const entryLen = buf[pos];
  if (entryLen < 0x80 && pos + 1 + entryLen <= limit && buf[pos + 1] === ENTRY_KEY) {
    const entryEnd = pos + 1 + entryLen;
    const keyEnd = pos + 3 + buf[pos + 2];
    if (keyEnd + 2 <= entryEnd && buf[keyEnd] === ENTRY_STRING_VALUE && keyEnd + 2 + buf[keyEnd + 1] === entryEnd && buf[pos + 2] < 0x80) {
      r.pos = entryEnd;
      const key = r.stringAt(pos + 3, keyEnd);
      const value = r.stringAt(keyEnd + 2, entryEnd);
      // The store inline (setOwn only for the odd key): a store site per map kind keeps V8's caches apart.
      if (key !== '__proto__') map[key] = value;
      else setOwn(map, key, value);
      return;
    }
  }
  readStringEntryInGeneral(r, limit, map, what);
}

// The general entry readers are kept out of the fast paths above so that
// those stay small enough for V8 to inline into readPoint.

function readStringEntryInGeneral(r: WireReader, limit: number, map: { [key: string]: string }, what: string): void {
  const end = r.lenEnd(limit);
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ENTRY_KEY) key = r.string(end);
    else if (tag === ENTRY_STRING_VALUE) value = r.string(end);
    else r.skipField(tag, end, STRING_ENTRY_WIRE, `${what} entry`, ENTRY_NAMES);
  }
  setOwn(map, key, value);
}

// A point's double fields are read into these (entry i at index i), then
// stored in its fieldsDouble in Go order (see putDoublesInGoOrder). They
// grow to the most double fields a point had.
const SCRATCH_SIZE = 16;
let scratchKeys: string[] = new Array<string>(SCRATCH_SIZE).fill('');
let scratchValues = new Float64Array(SCRATCH_SIZE);

/** Drops the scratch arrays' keys and growth (through forgetCaches() in hot-path.ts). */
export function forgetDoubleScratch(): void {
  scratchKeys = new Array<string>(SCRATCH_SIZE).fill('');
  scratchValues = new Float64Array(SCRATCH_SIZE);
}

function scratchRoom(index: number): void {
  if (index < scratchKeys.length) return;
  const keys = new Array<string>(scratchKeys.length * 2).fill('');
  for (let i = 0; i < scratchKeys.length; i++) keys[i] = scratchKeys[i];
  const values = new Float64Array(scratchValues.length * 2);
  values.set(scratchValues);
  scratchKeys = keys;
  scratchValues = values;
}

/**
 * Stores the n double fields read into the scratch arrays in `map`, in Go
 * order. Kapacitor marshals with plain proto.Marshal, so the entries of a
 * point's fields come in a random order from one point to the next; stored
 * as they come, the maps of one series would have as many hidden classes as
 * orders, and every one out of order would be sorted again by the encoder.
 * A stable insertion sort of a few entries costs a compare or two; equal
 * keys keep their order, so the last of them wins, as protobuf says.
 */
function putDoublesInGoOrder(map: { [key: string]: number }, n: number): void {
  const keys = scratchKeys;
  const values = scratchValues;
  for (let i = 1; i < n; i++) {
    const key = keys[i];
    if (compareUtf8(keys[i - 1], key) <= 0) continue;
    const value = values[i];
    let j = i - 1;
    while (j >= 0 && compareUtf8(keys[j], key) > 0) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
      j--;
    }
    keys[j + 1] = key;
    values[j + 1] = value;
  }
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key !== '__proto__') map[key] = values[i];
    else setOwn(map, key, values[i]);
  }
  placeInGoOrder(keys, n);
}

/** A fieldsDouble entry, read into the scratch arrays at `index` (its position among the point's double fields). */
function readDoubleEntry(r: WireReader, limit: number, index: number): void {
  scratchRoom(index);
  // Fast path: len, 0x0a klen key, 0x11 8-byte double.
  const buf = r.buf;
  const pos = r.pos;
  const entryLen = buf[pos];
  if (entryLen < 0x80 && pos + 1 + entryLen <= limit && buf[pos + 1] === ENTRY_KEY && buf[pos + 2] < 0x80) {
    const entryEnd = pos + 1 + entryLen;
    const keyEnd = pos + 3 + buf[pos + 2];
    if (keyEnd + 9 === entryEnd && buf[keyEnd] === ENTRY_DOUBLE_VALUE) {
      // The key is usually the one this position had last time: compare
      // the entry's bytes up to the value with the remembered ones.
      const prefixLen = keyEnd + 1 - pos;
      let key = knownDoubleKey(index, r.view, pos, prefixLen);
      if (key === undefined) {
        key = r.stringAt(pos + 3, keyEnd);
        rememberDoubleKey(index, key, buf, pos, prefixLen);
      }
      r.pos = keyEnd + 1;
      scratchValues[index] = r.double(entryEnd);
      scratchKeys[index] = key;
      return;
    }
  }
  readDoubleEntryInGeneral(r, limit, index);
}

function readDoubleEntryInGeneral(r: WireReader, limit: number, index: number): void {
  const end = r.lenEnd(limit);
  let key = '';
  let value = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ENTRY_KEY) key = r.string(end);
    else if (tag === ENTRY_DOUBLE_VALUE) value = r.double(end);
    else r.skipField(tag, end, DOUBLE_ENTRY_WIRE, 'Point.fieldsDouble entry', ENTRY_NAMES);
  }
  scratchKeys[index] = key;
  scratchValues[index] = value;
}

function readInt64Entry(r: WireReader, limit: number, map: { [key: string]: bigint }): void {
  const end = r.lenEnd(limit);
  let key = '';
  let value = 0n;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ENTRY_KEY) key = r.string(end);
    else if (tag === ENTRY_VARINT_VALUE) value = r.int64(end);
    else r.skipField(tag, end, VARINT_ENTRY_WIRE, 'Point.fieldsInt entry', ENTRY_NAMES);
  }
  setOwn(map, key, value);
}

function readBoolEntry(r: WireReader, limit: number, map: { [key: string]: boolean }): void {
  const end = r.lenEnd(limit);
  let key = '';
  let value = false;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ENTRY_KEY) key = r.string(end);
    else if (tag === ENTRY_VARINT_VALUE) value = r.bool(end);
    else r.skipField(tag, end, VARINT_ENTRY_WIRE, 'Point.fieldsBool entry', ENTRY_NAMES);
  }
  setOwn(map, key, value);
}

// ---------------------------------------------------------------- encoding
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

/** Fields 2..7 of a Point: name, database, retention policy, group, dimensions, tags. */
function writeHead(
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
