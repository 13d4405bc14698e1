/**
 * The hot path, decoding: hand-written decoders for Point, BeginBatch and
 * EndBatch, the messages that flow by the million. Kapacitor marshals without
 * sorting, so map entries come in any order; tags and double fields are
 * stored in Go order (bytewise UTF-8 keys), so that the points of one series
 * share one layout and encode-data.ts finds them in order.
 */

import * as tags from './data-field-tags';
import { writeHead } from './encode-data';
import { knownDoubleKey, placeInGoOrder, rememberDoubleKey } from './field-key-memo';
import { compareUtf8, setOwn, sortedKeys } from './map-keys';
import type { BeginBatch, EndBatch, Point } from './protocol/udf';
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
import type { WireReader } from './wire-reader';
import { WireWriter } from './wire-writer';

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
  POINT_WIRE,
  POINT_NAMES,
  BEGIN_WIRE,
  BEGIN_NAMES,
  END_WIRE,
  END_NAMES,
  ENTRY_NAMES,
  STRING_ENTRY_WIRE,
  DOUBLE_ENTRY_WIRE,
  VARINT_ENTRY_WIRE,
} = tags;

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
    r.countEntry();
    time = r.int64(end);
  }
  const head = cached ? readHead(r, end) : undefined;
  if (head !== undefined) {
    r.countEntries(head.entries);
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
    // Each field once: every tag, field and dimension is one (maxMessageEntries).
    r.countEntry();
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
  const before = r.entriesLeft;
  const { name, database, retentionPolicy, group, dimensions, tags: asRead } = readPoint(r, stop, false);
  // The head's fields, as readPoint counted them; given back here, since
  // the caller counts a head's entries once, whether it was a hit or not.
  const entries = before - r.entriesLeft;
  r.entriesLeft = before;
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
  return { name, database, retentionPolicy, group, dimensions, tags, tagKeys, tagValues, canonical, entries };
}

const headWriter = new WireWriter(MAX_HEAD_BYTES);

export function readBeginBatch(r: WireReader, end: number): BeginBatch {
  const b: BeginBatch = { name: '', group: '', tags: {}, size: 0n, byName: false };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
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
    r.countEntry();
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
 * Invariant: the insertion sort only ever runs on at most
 * INSERTION_SORT_MAX entries (a bounded cost); more, out of order, go to
 * sortDoubles(), O(n log n): a point of 60k fields in descending order
 * took an insertion sort 46 s.
 */
function putDoublesInGoOrder(map: { [key: string]: number }, n: number): void {
  const keys = scratchKeys;
  const values = scratchValues;
  for (let i = 1; i < n; i++) {
    const key = keys[i];
    if (compareUtf8(keys[i - 1], key) <= 0) continue;
    if (n > INSERTION_SORT_MAX) {
      sortDoubles(n);
      break;
    }
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

/** Most entries putDoublesInGoOrder() sorts by insertion (at most 496 comparisons). */
const INSERTION_SORT_MAX = 32;

/**
 * Sorts the first n scratch entries in Go order: Array.prototype.sort is
 * stable (equal keys keep their order, the last still wins) and O(n log n)
 * comparisons, O(n) on runs already sorted either way.
 */
function sortDoubles(n: number): void {
  const keys = scratchKeys;
  const values = scratchValues;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => compareUtf8(keys[a], keys[b]));
  const inOrderKeys = new Array<string>(n);
  const sortedValues = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    inOrderKeys[i] = keys[order[i]];
    sortedValues[i] = values[order[i]];
  }
  for (let i = 0; i < n; i++) {
    keys[i] = inOrderKeys[i];
    values[i] = sortedValues[i];
  }
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
