import { EncodeError } from './errors';
import type { NodeBuffer } from './node-buffer';

const i64 = new BigInt64Array(1);
const u32 = new Uint32Array(i64.buffer);

const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

/** Bytes of the uvarint encoding of a non-negative integer below 2^35. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * Writes protobuf wire data into one growable buffer, in a single pass.
 *
 * Length prefixes are reserved as one byte and fixed up afterwards (moving
 * the content in the rare case the length needs more bytes). Positions stay
 * valid when the buffer grows: the bytes from `keepFrom` on are copied to the
 * same offsets of the new buffer, so encoders may hold on to a reserved
 * position while they write. Bytes before `keepFrom` belong to the owner
 * (see FrameWriter), which is told through `onGrow`.
 */
export class WireWriter {
  buf: NodeBuffer;
  pos = 0;
  keepFrom = 0;
  // A DataView over `buf` for doubles (one 8-byte store), rebuilt lazily
  // whenever `buf` was replaced (by grow() or by an owner assigning it).
  private view: DataView;
  private viewOf: NodeBuffer;

  constructor(readonly chunkSize: number) {
    this.buf = Buffer.allocUnsafe(chunkSize) as NodeBuffer;
    this.viewOf = this.buf;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const old = this.buf;
    const needed = this.pos + n;
    const size = Math.max(this.chunkSize, needed + (needed - this.keepFrom));
    const next = Buffer.allocUnsafe(size) as NodeBuffer;
    old.copy(next, this.keepFrom, this.keepFrom, this.pos);
    this.buf = next;
    this.onGrow(old);
  }

  /** Called after the buffer was replaced; `old` is the previous buffer. */
  protected onGrow(_old: NodeBuffer): void {
    // The plain writer owns nothing before keepFrom.
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A field tag or a length: an unsigned value below 2^32. */
  uvarint(n: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  private varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    if (hi >= 0x1000000 && hi < 0x80000000) {
      // 9 bytes (2^56 <= v < 2^63: times in nanoseconds), without the loops.
      buf[pos] = (lo & 0x7f) | 0x80;
      buf[pos + 1] = ((lo >>> 7) & 0x7f) | 0x80;
      buf[pos + 2] = ((lo >>> 14) & 0x7f) | 0x80;
      buf[pos + 3] = ((lo >>> 21) & 0x7f) | 0x80;
      buf[pos + 4] = (lo >>> 28) | ((hi & 0x7) << 4) | 0x80;
      buf[pos + 5] = ((hi >>> 3) & 0x7f) | 0x80;
      buf[pos + 6] = ((hi >>> 10) & 0x7f) | 0x80;
      buf[pos + 7] = ((hi >>> 17) & 0x7f) | 0x80;
      buf[pos + 8] = hi >>> 24;
      this.pos = pos + 9;
      return;
    }
    while (hi !== 0) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  /** An int64 varint; `what` names the value for the error message. */
  int64(v: bigint, what: string): void {
    if (typeof v !== 'bigint') {
      throw new EncodeError(`${what} must be a bigint (int64), got ${describeType(v)}: write e.g. 10n or BigInt(x)`);
    }
    if (v > INT64_MAX || v < INT64_MIN) {
      throw new EncodeError(`${what} = ${v} is outside the int64 range`);
    }
    i64[0] = v;
    this.varint64(u32[0], u32[1]);
  }

  /** An int32 / enum varint (negative values take 10 bytes, as in Go). */
  int32(v: number, what: string): void {
    if (typeof v !== 'number' || !Number.isInteger(v) || v > 0x7fffffff || v < -0x80000000) {
      throw new EncodeError(`${what} must be an int32 number, got ${describeType(v)} ${String(v)}`);
    }
    if (v >= 0) this.uvarint(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  bool(v: boolean, what: string): void {
    if (typeof v !== 'boolean') throw new EncodeError(`${what} must be a boolean, got ${describeType(v)}`);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(v: number, what: string): void {
    if (typeof v !== 'number') throw new EncodeError(`${what} must be a number (double), got ${describeType(v)}`);
    this.ensure(8);
    const pos = this.pos;
    this.pos = pos + 8;
    this.dataView().setFloat64(pos, v, true);
  }

  /** `buf` as a DataView (valid until the buffer is replaced). */
  dataView(): DataView {
    const buf = this.buf;
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.view;
  }

  /** Length-prefixed UTF-8 (lone surrogates become U+FFFD, as in Buffer/TextEncoder). */
  string(s: string, what: string): void {
    if (typeof s !== 'string') throw new EncodeError(`${what} must be a string, got ${describeType(s)}`);
    const n = s.length;
    if (n < 43) {
      // At most 126 bytes of UTF-8: the length fits one byte. Copy ASCII by
      // hand (cheaper than a native call for short strings).
      this.ensure(1 + 3 * n);
      const buf = this.buf;
      const lenPos = this.pos;
      const start = lenPos + 1;
      let pos = start;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          pos = start + buf.utf8Write(s, start);
          break;
        }
        buf[pos++] = c;
      }
      buf[lenPos] = pos - start;
      this.pos = pos;
    } else {
      const len = Buffer.byteLength(s, 'utf8');
      this.uvarint(len);
      this.ensure(len);
      this.pos += this.buf.utf8Write(s, this.pos, len);
    }
  }

  bytes(b: Uint8Array, what: string): void {
    if (!(b instanceof Uint8Array)) throw new EncodeError(`${what} must be a Buffer or Uint8Array, got ${describeType(b)}`);
    this.uvarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Reserves one byte for a length; pair with finishLen. */
  reserveLen(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of everything after the reserved byte at `lenPos`. */
  finishLen(lenPos: number): void {
    const len = this.pos - lenPos - 1;
    if (len < 0x80) {
      this.buf[lenPos] = len;
      return;
    }
    const extra = varintSize(len) - 1;
    this.ensure(extra);
    const buf = this.buf;
    buf.copyWithin(lenPos + 1 + extra, lenPos + 1, this.pos);
    this.pos += extra;
    writeUvarintAt(buf, lenPos, len);
  }
}

/** Writes uvarint n (< 2^32) at pos; returns the position after it. */
export function writeUvarintAt(buf: Uint8Array, pos: number, n: number): number {
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
