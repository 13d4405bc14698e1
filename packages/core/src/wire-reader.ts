import { ProtocolError } from './errors';
import { asNodeBuffer, type NodeBuffer } from './node-buffer';
import { sameBytes } from './same-bytes';
import { varintSize } from './wire-writer';

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const START_GROUP = 3;
export const END_GROUP = 4;
export const FIXED32 = 5;

/** The tag of a field: its number and wire type, as one varint value. */
export function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

const WIRE_TYPE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

// Scratch space to turn two 32-bit halves into an int64 / a double without
// arithmetic on bigints (which allocates at every step).
const i64 = new BigInt64Array(1);
const u32 = new Uint32Array(i64.buffer);

/*
 * Decoding a short string costs far more than reading it: most of the strings
 * in a stream of points (tag keys and values, field names, measurement,
 * database, retention policy) repeat from one point to the next. Short ASCII
 * strings are looked up in a small two-way set-associative cache keyed by a
 * hash of their bytes; a hit returns the already-built string without
 * allocating. The cache keeps a copy of each string's bytes so that a hit is
 * confirmed by comparing bytes with bytes (much cheaper than charCodeAt).
 */
const CACHE_BITS = 12;
const CACHE_SIZE = 1 << CACHE_BITS;
const CACHE_MAX_LEN = 40;
const cacheStrings: string[] = new Array<string>(CACHE_SIZE).fill('');
const cacheLengths = new Int32Array(CACHE_SIZE); // 0 = empty slot
const cacheBytes = new Uint8Array(CACHE_SIZE * CACHE_MAX_LEN);
// Hashing and comparing go 4 bytes at a time through DataViews (TurboFan
// turns getInt32 into a plain unaligned load).
const cacheView = new DataView(cacheBytes.buffer);

/** Empties the string cache (through forgetCaches() in hot-path.ts). */
export function forgetStrings(): void {
  cacheLengths.fill(0);
  cacheStrings.fill('');
}

/** How many strings the cache holds (for tests of forgetCaches()). */
export function cachedStringCount(): number {
  let n = 0;
  for (let i = 0; i < CACHE_SIZE; i++) if (cacheLengths[i] !== 0) n++;
  return n;
}

/**
 * A cursor over one protobuf body. Every read checks the limit it is given
 * (the end of the enclosing message) and throws a ProtocolError with the
 * offset, relative to the start of the body, on malformed input.
 */
export class WireReader {
  buf: NodeBuffer;
  /** `buf` as a DataView, for 4-byte reads. */
  view: DataView;
  /** What `buf` was made from (reset() reuses buf and view for the same bytes). */
  private source: Uint8Array;
  pos: number;
  end: number;
  /** Position of the body's first byte in `buf`, for error offsets. */
  private base: number;
  // The 64-bit varint just read, as two unsigned 32-bit halves.
  private lo = 0;
  private hi = 0;
  /**
   * Entries (fields of the request and of its message, each map entry and
   * dimension once) the body may still hold before countEntry() refuses it:
   * maxMessageEntries, set by the codec for each body. It bounds the work
   * one message costs: millions of map keys take seconds to decode and
   * encode, however few bytes each has.
   */
  entriesLeft = Number.MAX_SAFE_INTEGER;
  /** The limit entriesLeft started from (for the error message). */
  maxEntries = Number.MAX_SAFE_INTEGER;

  /** Reads `bytes`, or only bytes[start, end) when given. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.source = bytes;
    this.buf = asNodeBuffer(bytes);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.base = start;
  }

  /** Points this reader at another body (readers are reused: decoding never re-enters). */
  reset(bytes: Uint8Array, start: number, end: number): this {
    if (bytes !== this.source) {
      this.source = bytes;
      this.buf = asNodeBuffer(bytes);
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.pos = start;
    this.end = end;
    this.base = start;
    this.entriesLeft = Number.MAX_SAFE_INTEGER;
    this.maxEntries = Number.MAX_SAFE_INTEGER;
    return this;
  }

  /** Starts counting entries of the body just reset() to, up to `max`. */
  limitEntries(max: number): this {
    this.entriesLeft = max;
    this.maxEntries = max;
    return this;
  }

  /**
   * Counts one entry (called before reading it); throws ERR_TOO_MANY_ENTRIES
   * at the first one over the limit, so a refused body is never decoded
   * past it.
   */
  countEntry(): void {
    if (--this.entriesLeft < 0) this.tooManyEntries();
  }

  /** Counts `n` entries at once (a cached series head's). */
  countEntries(n: number): void {
    this.entriesLeft -= n;
    if (this.entriesLeft < 0) this.tooManyEntries();
  }

  private tooManyEntries(): never {
    const offset = this.pos - this.base;
    throw new ProtocolError(
      'ERR_TOO_MANY_ENTRIES',
      `more than ${this.maxEntries} entries (fields, tags, dimensions) in one message, refused at byte ${offset} of the message`,
      offset,
    );
  }

  fail(what: string, at: number = this.pos): never {
    const offset = at - this.base;
    throw new ProtocolError('ERR_INVALID_MESSAGE', `invalid protobuf message: ${what} at byte ${offset} of the message`, offset);
  }

  /** A field tag (field number << 3 | wire type); 1-byte tags take the fast path. */
  tag(limit: number): number {
    const pos = this.pos;
    if (pos < limit) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        if (b < 8) this.fail(`field number 0 (tag ${b})`, pos);
        return b;
      }
    }
    this.varint(limit);
    if (this.hi !== 0 || this.lo >>> 3 === 0) this.fail('invalid field tag', pos);
    return this.lo;
  }

  /** Reads a varint into lo/hi. */
  private varint(limit: number): void {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) this.fail('truncated varint', start);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= limit) this.fail('truncated varint', start);
    b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.lo = lo >>> 0;
      this.hi = hi;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= limit) this.fail('truncated varint', start);
      b = buf[pos++];
      if (shift === 31 && b > 1) this.fail('varint overflows 64 bits', start);
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail('varint longer than 10 bytes', start);
  }

  /** A varint read as a length: returns the end position of the bytes it announces. */
  lenEnd(limit: number): number {
    const pos = this.pos;
    let len: number;
    if (pos < limit && this.buf[pos] < 0x80) {
      len = this.buf[pos];
      this.pos = pos + 1;
    } else {
      this.varint(limit);
      if (this.hi !== 0) this.fail('length out of range', pos);
      len = this.lo;
    }
    const end = this.pos + len;
    if (end > limit) this.fail(`length ${len} runs past the end of the enclosing message`, pos);
    return end;
  }

  int64(limit: number): bigint {
    const pos = this.pos;
    const buf = this.buf;
    if (pos < limit && buf[pos] < 0x80) {
      this.pos = pos + 1;
      return BigInt(buf[pos]);
    }
    // Times in nanoseconds take 9 bytes: read those without the general
    // loop's per-byte limit checks and shifts.
    if (pos + 9 <= limit && buf[pos + 8] < 0x80) {
      let nine = true;
      for (let i = pos; i < pos + 8; i++) if (buf[i] < 0x80) nine = false;
      if (nine) {
        u32[0] =
          (buf[pos] & 0x7f) |
          ((buf[pos + 1] & 0x7f) << 7) |
          ((buf[pos + 2] & 0x7f) << 14) |
          ((buf[pos + 3] & 0x7f) << 21) |
          (buf[pos + 4] << 28);
        u32[1] =
          ((buf[pos + 4] & 0x7f) >>> 4) |
          ((buf[pos + 5] & 0x7f) << 3) |
          ((buf[pos + 6] & 0x7f) << 10) |
          ((buf[pos + 7] & 0x7f) << 17) |
          (buf[pos + 8] << 24);
        this.pos = pos + 9;
        return i64[0];
      }
    }
    this.varint(limit);
    if (this.hi === 0) return BigInt(this.lo);
    u32[0] = this.lo;
    u32[1] = this.hi;
    return i64[0];
  }

  /** An enum (int32 on the wire; negative values are sign-extended to 10 bytes). */
  int32(limit: number): number {
    const pos = this.pos;
    if (pos < limit && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return this.buf[pos];
    }
    this.varint(limit);
    return this.lo | 0;
  }

  bool(limit: number): boolean {
    const pos = this.pos;
    if (pos < limit && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return this.buf[pos] !== 0;
    }
    this.varint(limit);
    return this.lo !== 0 || this.hi !== 0;
  }

  double(limit: number): number {
    const pos = this.pos;
    if (pos + 8 > limit) this.fail('truncated double', pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  string(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return this.stringAt(start, end);
  }

  /** The UTF-8 string in buf[start, end) (cached when short and ASCII). */
  stringAt(start: number, end: number): string {
    const n = end - start;
    if (n === 0) return '';
    const buf = this.buf;
    if (n > CACHE_MAX_LEN) return this.utf8(start, end);
    // Two-way set-associative lookup keyed by a hash of every byte (names
    // such as server01..server99 differ in one byte anywhere, so sampling a
    // few bytes makes them collide and thrash); a hit is confirmed by
    // comparing every byte. The hash loop also finds non-ASCII bytes.
    const view = this.view;
    let h = n;
    let high = 0;
    let i = start;
    for (const end4 = end - 3; i < end4; i += 4) {
      const w = view.getInt32(i, true);
      high |= w;
      h = Math.imul(h ^ w, 0x01000193);
      h ^= h >>> 15;
    }
    for (; i < end; i++) {
      const b = buf[i];
      high |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    if ((high & 0x80808080) !== 0) return this.utf8(start, end);
    h = Math.imul(h ^ (h >>> 15), 0x9e3779b1);
    const slot = (h >>> (32 - CACHE_BITS)) & ~1;
    if (cacheLengths[slot] === n && sameBytes(cacheView, slot * CACHE_MAX_LEN, view, start, n)) return cacheStrings[slot];
    if (cacheLengths[slot + 1] === n && sameBytes(cacheView, (slot + 1) * CACHE_MAX_LEN, view, start, n)) return cacheStrings[slot + 1];
    const s = buf.latin1Slice(start, end);
    // Insert in way 0, moving its entry to way 1 (byte loops: no subarray objects).
    const way0 = slot * CACHE_MAX_LEN;
    const way1 = way0 + CACHE_MAX_LEN;
    const oldLen = cacheLengths[slot];
    for (let i = 0; i < oldLen; i++) cacheBytes[way1 + i] = cacheBytes[way0 + i];
    cacheLengths[slot + 1] = oldLen;
    cacheStrings[slot + 1] = cacheStrings[slot];
    for (let i = 0; i < n; i++) cacheBytes[way0 + i] = buf[start + i];
    cacheLengths[slot] = n;
    cacheStrings[slot] = s;
    return s;
  }

  /**
   * buf[start, end) as UTF-8, refusing invalid sequences: decoding would
   * replace them with U+FFFD, silently altering the data (Kapacitor's own
   * decoder rejects them too). Valid input costs one native scan for U+FFFD;
   * only a string holding one is validated byte by byte.
   */
  private utf8(start: number, end: number): string {
    const s = this.buf.utf8Slice(start, end);
    if (s.indexOf('\uFFFD') !== -1) {
      const bad = firstInvalidUtf8(this.buf, start, end);
      if (bad !== -1) this.fail(`invalid UTF-8 in a string (byte 0x${this.buf[bad].toString(16)})`, bad);
    }
    return s;
  }

  /** Bytes, copied: the result must not keep the (large, reused) input chunk alive. */
  bytes(limit: number): Buffer {
    const end = this.lenEnd(limit);
    const out = Buffer.allocUnsafe(end - this.pos);
    this.buf.copy(out, 0, this.pos, end);
    this.pos = end;
    return out;
  }

  /**
   * Handles a field the message decoder did not match: a known field number
   * with the wrong wire type is an error; an unknown field is skipped.
   * `wireTypes[n]` is the expected wire type of field n (undefined = unknown).
   */
  skipField(
    tag: number,
    limit: number,
    wireTypes: readonly (number | undefined)[],
    message: string,
    fieldNames: readonly (string | undefined)[],
  ): void {
    const field = tag >>> 3;
    const wireType = tag & 7;
    const expected = field < wireTypes.length ? wireTypes[field] : undefined;
    if (expected !== undefined && expected !== wireType) {
      this.fail(
        `${message}.${fieldNames[field]} (field ${field}) has wire type ${wireTypeName(wireType)}, expected ${wireTypeName(expected)}`,
        this.pos - varintSize(tag),
      );
    }
    this.skip(wireType, field, limit);
  }

  private skip(wireType: number, field: number, limit: number, depth = 0): void {
    switch (wireType) {
      case VARINT:
        this.varint(limit);
        return;
      case FIXED64:
        if (this.pos + 8 > limit) this.fail('truncated fixed64 field');
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.lenEnd(limit);
        return;
      case FIXED32:
        if (this.pos + 4 > limit) this.fail('truncated fixed32 field');
        this.pos += 4;
        return;
      case START_GROUP: {
        // Deprecated groups: skip nested fields up to the matching end-group tag.
        // Bounded nesting: skipping recurses, and no message of this protocol has groups at all.
        if (depth >= MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH} (field ${field})`, this.pos - 1);
        for (;;) {
          if (this.pos >= limit) this.fail(`unterminated group (field ${field})`);
          const tag = this.tag(limit);
          if ((tag & 7) === END_GROUP) {
            if (tag >>> 3 !== field) this.fail(`end-group tag for field ${tag >>> 3} inside group ${field}`);
            return;
          }
          this.skip(tag & 7, tag >>> 3, limit, depth + 1);
        }
      }
      default:
        this.fail(
          wireType === END_GROUP ? `unexpected end-group tag (field ${field})` : `invalid wire type ${wireType} (field ${field})`,
          this.pos - 1,
        );
    }
  }
}

/** Deepest nesting of (unknown, skipped) groups accepted. */
const MAX_GROUP_DEPTH = 100;

/**
 * Index of the first byte of buf[start, end) that does not belong to a valid
 * UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF),
 * or -1. Only called for strings whose decoding produced U+FFFD.
 */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + n >= end) return i; // the sequence runs past the string
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function wireTypeName(wireType: number): string {
  return `${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'})`;
}
