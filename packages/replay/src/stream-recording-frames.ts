/**
 * A stream recording read straight into request frames, for the replay's
 * input thread: the bytes Kapacitor's UDF node would send for each point, in
 * chunks, without a Point object or a string per line on the common path.
 *
 * The same frames as readStreamRecording + core's encodeRequest, by
 * construction: a point line of the common shape (below) is written from its
 * bytes, with its head (name, database, retention policy, tags) copied from
 * the bytes core's encoder wrote for the first line with the same
 * measurement-and-tags text; every other line, and the first of each series,
 * goes through parseLine and encodeRequest, with the same errors.
 *
 * The common shape, checked byte by byte: measurement and tags are printable
 * ASCII without a backslash or quote, up to one space (so they end exactly
 * there, as parseLine reads them); the fields are `key=number` with plain
 * ASCII keys in strictly increasing byte order (Go's order: the encoder's,
 * no duplicate) and plain decimals (`-?digits[.digits]`, no exponent, no
 * `i`/`u`), then one space and a timestamp of 1-19 digits up to int64's
 * largest, ending the line.
 */
import { encodeRequest, type Point } from '@kapacitor-udf/core';
import { ReplayError } from './errors';
import { parseLine } from './line-protocol-parser';
import { gunzipRecording, type RecordingSource } from './stream-recording';

/** Request frames of a chunk of points; `bytes` owns its whole ArrayBuffer (it may be transferred). */
export interface RecordingFrames {
  bytes: Uint8Array;
  points: number;
  batches: number;
}

const SPACE = 0x20;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const MINUS = 0x2d;
const DOT = 0x2e;
const CR = 0x0d;
const NL = 0x0a;

const MAX_INT64_DIGITS = '9223372036854775807';
/** Heads remembered at most (then forgotten all at once): bounds memory for recordings of very many series. */
const MAX_HEADS = 100_000;

/** Buffer's own latin1 reader, without toString's argument checks (a hot path: one call per line). */
function latin1(b: Buffer, start: number, end: number): string {
  return (b as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}

/** Exact powers of ten as doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

interface Head {
  database: string;
  retentionPolicy: string;
  /** Point fields 2-7 as core's encoder writes them. */
  bytes: Uint8Array;
}

/** A measurement-and-tags byte a fast line may hold (commas and `=` separate tags there). */
function keyByte(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x5c && c !== 0x22;
}

/** A field-key byte needing no escape. */
function fieldKeyByte(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x5c && c !== 0x22 && c !== COMMA && c !== EQUALS;
}

class FrameBuffer {
  buf: Buffer;
  pos = 0;
  points = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  take(): RecordingFrames {
    const out = { bytes: new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos), points: this.points, batches: 0 };
    this.buf = Buffer.allocUnsafeSlow(this.size);
    this.pos = 0;
    this.points = 0;
    return out;
  }
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  let p = at;
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** The frames of a stream recording (gzip, Kapacitor's .srpl), about `chunkBytes` a chunk. */
export async function* streamRecordingFrames(source: RecordingSource, chunkBytes = 256 * 1024): AsyncGenerator<RecordingFrames> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const text = (b: Buffer, start: number, end: number): string => {
    try {
      return utf8.decode(b.subarray(start, end));
    } catch (err) {
      throw new ReplayError('ERR_STREAM_RECORDING', 'the stream recording is not UTF-8 text', undefined, { cause: err });
    }
  };
  const heads = new Map<string, Head>();
  const out = new FrameBuffer(chunkBytes + 64 * 1024);
  // The point fields after the head (double entries), written before the frame's lengths are known.
  let fields = Buffer.allocUnsafe(64 * 1024);
  const f64 = new DataView(new ArrayBuffer(8));
  const parseOptions = { nsPerUnit: 1n, defaultTime: undefined };

  let database = '';
  let retentionPolicy = '';
  // The bytes database and retention policy were decoded from (a recording repeats them).
  let databaseBytes = Buffer.alloc(0);
  let retentionPolicyBytes = Buffer.alloc(0);
  let index = 0;
  let lineNumber = 0;

  const sameBytes = (a: Buffer, b: Buffer, start: number, end: number): boolean => {
    if (a.length !== end - start) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
    return true;
  };

  /** The general path: parseLine, core's encoder; remembers the head when the key part is plain. */
  const slowLine = (b: Buffer, start: number, end: number, keyEnd: number) => {
    const s = text(b, start, end);
    const p = parseLine(s, 0, s.length, lineNumber, parseOptions);
    if (p === undefined) {
      throw new ReplayError(
        'ERR_STREAM_RECORDING',
        `line ${lineNumber}: expected a point in line protocol (every third line of a stream recording), found ${JSON.stringify(s)}`,
        lineNumber,
      );
    }
    p.database = database;
    p.retentionPolicy = retentionPolicy;
    const body = encodeRequest({ message: { $case: 'point', value: p } });
    out.ensure(body.length + 10);
    out.pos = writeVarint(out.buf, out.pos, body.length);
    out.buf.set(body, out.pos);
    out.pos += body.length;
    out.points++;
    if (keyEnd > 0) {
      const bare: Point = { ...p, time: 0n, fieldsDouble: {}, fieldsInt: {}, fieldsString: {}, fieldsBool: {}, byName: false };
      const headBody = encodeRequest({ message: { $case: 'point', value: bare } });
      // Request.point's two tag bytes, its length, then fields 2-7.
      const at = 2 + varintSize(headBody.length - 2);
      if (heads.size >= MAX_HEADS) heads.clear();
      heads.set(latin1(b, start, keyEnd), { database, retentionPolicy, bytes: headBody.slice(at) });
    }
  };

  /** A point line [start, end) (no newline, no trailing CR). */
  const pointLine = (b: Buffer, start: number, end: number) => {
    let i = start;
    // Measurement and tags, up to the first space.
    if (i >= end || b[i] === 0x23 || b[i] === COMMA) return slowLine(b, start, end, 0);
    while (i < end && b[i] !== SPACE) {
      if (!keyByte(b[i])) return slowLine(b, start, end, 0);
      i++;
    }
    const keyEnd = i;
    if (i >= end) return slowLine(b, start, end, 0);
    const head = heads.get(latin1(b, start, keyEnd));
    if (head === undefined || head.database !== database || head.retentionPolicy !== retentionPolicy) {
      return slowLine(b, start, end, keyEnd);
    }
    if ((end - start) * 4 + 64 > fields.length) fields = Buffer.allocUnsafe((end - start) * 4 + 64);
    i++;
    // Fields: key=number, ...
    let f = 0;
    let prevKey = -1;
    let prevLen = 0;
    for (;;) {
      const k0 = i;
      while (i < end && b[i] !== EQUALS) {
        if (!fieldKeyByte(b[i])) return slowLine(b, start, end, keyEnd);
        i++;
      }
      const kl = i - k0;
      if (i >= end || kl === 0 || kl > 100) return slowLine(b, start, end, keyEnd);
      if (prevKey !== -1) {
        // Strictly after the previous key, bytewise.
        const n = kl < prevLen ? kl : prevLen;
        let d = 0;
        for (let m = 0; m < n && d === 0; m++) d = b[k0 + m] - b[prevKey + m];
        if (d < 0 || (d === 0 && kl <= prevLen)) return slowLine(b, start, end, keyEnd);
      }
      prevKey = k0;
      prevLen = kl;
      i++;
      const v0 = i;
      const negative = i < end && b[i] === MINUS;
      if (negative) i++;
      let digits = 0;
      let decimals = 0;
      let n = 0;
      while (i < end && b[i] >= 0x30 && b[i] <= 0x39) {
        n = n * 10 + (b[i] - 0x30);
        i++;
        digits++;
      }
      if (i < end && b[i] === DOT) {
        i++;
        while (i < end && b[i] >= 0x30 && b[i] <= 0x39) {
          n = n * 10 + (b[i] - 0x30);
          i++;
          digits++;
          decimals++;
        }
      }
      if (digits === 0 || i >= end || (b[i] !== COMMA && b[i] !== SPACE)) return slowLine(b, start, end, keyEnd);
      let v: number;
      if (digits <= 15) {
        // n < 10^15 < 2^53 and 10^decimals (decimals <= 15) are exact doubles, so
        // one IEEE division is the correctly rounded value, as Number(text) gives.
        v = n / POW10[decimals];
        if (negative) v = -v;
      } else {
        v = Number(latin1(b, v0, i));
        if (!Number.isFinite(v)) return slowLine(b, start, end, keyEnd);
      }
      // Point.fieldsDouble entry: tag, length, key (field 1), value (field 2, fixed64).
      fields[f++] = 0x42;
      fields[f++] = kl + 11;
      fields[f++] = 0x0a;
      fields[f++] = kl;
      for (let m = k0; m < k0 + kl; m++) fields[f++] = b[m];
      fields[f++] = 0x11;
      f64.setFloat64(0, v, true);
      for (let m = 0; m < 8; m++) fields[f++] = f64.getUint8(m);
      if (b[i] === SPACE) break;
      i++;
    }
    i++;
    // Timestamp: 1-19 digits to the end of the line, at most int64's largest.
    const t0 = i;
    if (end - t0 < 1 || end - t0 > 19) return slowLine(b, start, end, keyEnd);
    // Base-2^28 limbs: every step stays below 2^28 * 10 + 10, exact.
    let lo = 0;
    let mid = 0;
    let hi = 0;
    for (; i < end; i++) {
      const c = b[i] - 0x30;
      if (c < 0 || c > 9) return slowLine(b, start, end, keyEnd);
      lo = lo * 10 + c;
      const carry = Math.floor(lo / 268435456);
      lo -= carry * 268435456;
      mid = mid * 10 + carry;
      const carry2 = Math.floor(mid / 268435456);
      mid -= carry2 * 268435456;
      hi = hi * 10 + carry2;
    }
    if (end - t0 === 19 && latin1(b, t0, end) > MAX_INT64_DIGITS) return slowLine(b, start, end, keyEnd);
    const zero = lo === 0 && mid === 0 && hi === 0;
    // Time varint: 7 bits at a time from the 84 bits of limbs (hi < 2^7 here).
    const timeLen = zero ? 0 : mid === 0 && hi === 0 ? varintSize(lo) : hi === 0 ? 4 + varintSize(mid) : 9;
    const pointLen = (zero ? 0 : 1) + timeLen + head.bytes.length + f;
    const bodyLen = 2 + varintSize(pointLen) + pointLen;
    out.ensure(bodyLen + 10);
    const o = out.buf;
    let p = writeVarint(o, out.pos, bodyLen);
    o[p++] = 0x8a;
    o[p++] = 0x01;
    p = writeVarint(o, p, pointLen);
    if (!zero) {
      o[p++] = 0x08;
      if (mid === 0 && hi === 0) {
        p = writeVarint(o, p, lo);
      } else {
        for (let m = 0; m < 4; m++) {
          o[p++] = ((lo >>> (7 * m)) & 0x7f) | 0x80;
        }
        if (hi === 0) {
          p = writeVarint(o, p, mid);
        } else {
          for (let m = 0; m < 4; m++) o[p++] = ((mid >>> (7 * m)) & 0x7f) | 0x80;
          o[p++] = hi;
        }
      }
    }
    o.set(head.bytes, p);
    p += head.bytes.length;
    for (let m = 0; m < f; m++) o[p++] = fields[m];
    out.pos = p;
    out.points++;
  };

  const onLine = (b: Buffer, start: number, nl: number) => {
    const end = nl > start && b[nl - 1] === CR ? nl - 1 : nl;
    lineNumber++;
    const role = index % 3;
    index++;
    if (role === 0) {
      if (!sameBytes(databaseBytes, b, start, end)) {
        database = text(b, start, end);
        databaseBytes = Buffer.from(b.subarray(start, end));
      }
    } else if (role === 1) {
      if (!sameBytes(retentionPolicyBytes, b, start, end)) {
        retentionPolicy = text(b, start, end);
        retentionPolicyBytes = Buffer.from(b.subarray(start, end));
      }
    } else pointLine(b, start, end);
  };

  let pending: Buffer | undefined;
  for await (const chunk of gunzipRecording(source)) {
    let b = chunk;
    let pos = 0;
    // Points before a bad line are handed on before its error is thrown.
    let failure: unknown;
    try {
      if (pending !== undefined) {
        // The line split across chunks: only it is copied.
        const nl = chunk.indexOf(NL);
        if (nl === -1) {
          // No newline in it at all: the line goes on.
          b = Buffer.concat([pending, chunk]);
        } else {
          const line = Buffer.concat([pending, chunk.subarray(0, nl + 1)]);
          onLine(line, 0, line.length - 1);
          pos = nl + 1;
        }
        pending = undefined;
      }
      for (;;) {
        const nl = b.indexOf(NL, pos);
        if (nl === -1) break;
        onLine(b, pos, nl);
        pos = nl + 1;
        if (out.pos >= chunkBytes) yield out.take();
      }
    } catch (err) {
      failure = err;
    }
    if (failure !== undefined) {
      if (out.points > 0) yield out.take();
      throw failure;
    }
    pending = pos === b.length ? undefined : Buffer.from(b.subarray(pos));
  }
  let failure: unknown;
  try {
    if (pending !== undefined && pending.length > 0) onLine(pending, 0, pending.length);
  } catch (err) {
    failure = err;
  }
  if (out.points > 0) yield out.take();
  if (failure !== undefined) throw failure;
  if (index % 3 !== 0) {
    throw new ReplayError(
      'ERR_STREAM_RECORDING',
      `the stream recording ends in the middle of a record (line ${index}): each point is three lines, database, retention policy and the point`,
      index,
    );
  }
}
