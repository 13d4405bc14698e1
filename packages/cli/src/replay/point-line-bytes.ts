/**
 * A replay's hot path for line-protocol output: a Response.point frame
 * written straight from its wire bytes as one line, without building a
 * Point and a string. It takes only the common shape and returns -1 for
 * anything else, which the caller then formats from the decoded Point
 * (formatLine): the same text either way, since this path accepts only what
 * formatLine would write unchanged.
 *
 * Accepted (invariants checked here, byte by byte): the frame is exactly one
 * Response.point; the point's fields come in field-number order, each once,
 * with time a non-negative varint; the measurement, tag keys and values and
 * double-field keys are printable ASCII without a backslash, comma, space,
 * `=` or `"` (nothing to escape, nothing formatLine refuses, nothing a reader
 * skips); tag and double keys are strictly increasing bytewise (Go's order,
 * as core's encoder writes them, so no sorting and no duplicate); map
 * entries are laid out as key then value; there is at least one double
 * field, each finite, and no field of another kind.
 */
import { formatFloat as formatFloatExport } from '@kapacitor-udf/replay';

// Bound once: a call through the package's re-export goes through a getter each time.
const formatFloat = formatFloatExport;

const POINT_BYTE0 = 0x8a; // Response.point: field 17, length-delimited (two-byte tag)
const POINT_BYTE1 = 0x01;

// A double's 8 little-endian bytes are copied into `scratchBytes` and read back through `scratchDouble` (same memory).
const scratchDouble = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchDouble.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** True for a byte formatLine writes as it is, anywhere in an identifier. */
function plain(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x5c && c !== 0x2c && c !== 0x3d && c !== 0x22;
}

/** Compares buf[a, a+alen) with buf[b, b+blen) bytewise (Go's string order). */
function compareBytes(buf: Uint8Array, a: number, alen: number, b: number, blen: number): number {
  const n = alen < blen ? alen : blen;
  for (let i = 0; i < n; i++) {
    const d = buf[a + i] - buf[b + i];
    if (d !== 0) return d;
  }
  return alen - blen;
}

/**
 * Writes the line for `frame[start, end)` (a Response body) and a newline
 * into `out` at `at`; returns the position after it, or -1 when the frame is
 * not of the accepted shape or `out` has too little room (nothing usable is
 * written then). Room for the frame's length + 32 bytes is enough unless a
 * double has many digits (e.g. 1e300 is written as 301 characters).
 */
export function writePointLine(frame: Uint8Array, start: number, end: number, out: Buffer, at: number): number {
  if (end - start < 3 || frame[start] !== POINT_BYTE0 || frame[start + 1] !== POINT_BYTE1) return -1;
  // Room: everything but the doubles' digits takes at most as many bytes as
  // in the frame (a separator per entry, against 4+ bytes of entry framing),
  // plus 21 for the time and newline; the digits are checked as they come.
  if (out.length - at < end - start + 32) return -1;
  let p = start + 2;
  // The point's length (a varint) must cover the rest of the frame exactly.
  let len = 0;
  let shift = 0;
  for (;;) {
    if (p >= end || shift > 28) return -1;
    const b = frame[p++];
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) break;
  }
  if (p + len !== end) return -1;

  let o = at;
  let timeLo = 0; // low 28 bits
  let timeMid = 0; // next 28 bits
  let timeHi = 0; // top bits (at most 7 here: non-negative int64)
  let hasTime = false;
  let lastField = 0;
  let tagKeyAt = -1;
  let tagKeyLen = 0;
  let doubles = 0;
  let doubleKeyAt = -1;
  let doubleKeyLen = 0;
  let sep = 0x2c;
  while (p < end) {
    const tag = frame[p++];
    const field = tag >>> 3;
    // One-byte tags only (fields 1-15); fields in increasing order; maps (7, 8) repeat.
    if (tag >= 0x80 || field < lastField || (field === lastField && field !== 7 && field !== 8 && field !== 6)) return -1;
    lastField = field;
    if (field === 1) {
      if (tag !== 0x08) return -1;
      // Up to 9 bytes: a non-negative int64 (a negative one takes 10).
      let k = 0;
      for (;;) {
        if (p >= end || k === 9) return -1;
        const b = frame[p++];
        const v = b & 0x7f;
        if (k < 4) timeLo += v * 2 ** (7 * k);
        else if (k < 8) timeMid += v * 2 ** (7 * (k - 4));
        else timeHi = v;
        k++;
        if (b < 0x80) break;
      }
      hasTime = true;
      continue;
    }
    if (field === 11) {
      // byName: a varint, not written.
      if (tag !== 0x58 || p >= end || frame[p] > 1) return -1;
      p++;
      continue;
    }
    if ((tag & 7) !== 2) return -1;
    // Length of the field (one or two bytes: parts of a point line are short).
    let n = frame[p++];
    if (n >= 0x80) {
      if (p >= end || frame[p] >= 0x80) return -1;
      n = (n & 0x7f) | (frame[p++] << 7);
    }
    const fieldEnd = p + n;
    if (fieldEnd > end) return -1;
    if (field === 2) {
      // formatLine refuses a measurement starting with # (a reader takes the line for a comment).
      if (n === 0 || frame[p] === 0x23) return -1;
      for (let i = p; i < fieldEnd; i++) {
        const c = frame[i];
        if (!plain(c)) return -1;
        out[o++] = c;
      }
    } else if (field === 3 || field === 4 || field === 5 || field === 6) {
      // database, retention policy, group, dimensions: not part of a line.
    } else if (field === 7) {
      if (o === at) return -1; // no measurement written before the tags
      // Entry: 0x0a keyLen key 0x12 valueLen value.
      if (frame[p] !== 0x0a) return -1;
      const kl = frame[p + 1];
      const k0 = p + 2;
      if (kl === 0 || kl >= 0x80 || frame[k0 + kl] !== 0x12) return -1;
      const vl = frame[k0 + kl + 1];
      const v0 = k0 + kl + 2;
      if (vl >= 0x80 || v0 + vl !== fieldEnd) return -1;
      if (tagKeyAt !== -1 && compareBytes(frame, tagKeyAt, tagKeyLen, k0, kl) >= 0) return -1;
      tagKeyAt = k0;
      tagKeyLen = kl;
      if (vl > 0) {
        out[o++] = 0x2c;
        for (let i = k0; i < k0 + kl; i++) {
          const c = frame[i];
          if (!plain(c)) return -1;
          out[o++] = c;
        }
        out[o++] = 0x3d;
        for (let i = v0; i < fieldEnd; i++) {
          const c = frame[i];
          if (!plain(c)) return -1;
          out[o++] = c;
        }
      }
    } else if (field === 8) {
      if (o === at) return -1;
      // Entry: 0x0a keyLen key 0x11 fixed64.
      if (frame[p] !== 0x0a) return -1;
      const kl = frame[p + 1];
      const k0 = p + 2;
      if (kl === 0 || kl >= 0x80 || frame[k0 + kl] !== 0x11 || k0 + kl + 9 !== fieldEnd) return -1;
      if (doubleKeyAt !== -1 && compareBytes(frame, doubleKeyAt, doubleKeyLen, k0, kl) >= 0) return -1;
      doubleKeyAt = k0;
      doubleKeyLen = kl;
      out[o++] = doubles === 0 ? 0x20 : sep;
      for (let i = k0; i < k0 + kl; i++) {
        const c = frame[i];
        if (!plain(c)) return -1;
        out[o++] = c;
      }
      out[o++] = 0x3d;
      const v0 = k0 + kl + 1;
      if (littleEndian) for (let i = 0; i < 8; i++) scratchBytes[i] = frame[v0 + i];
      else for (let i = 0; i < 8; i++) scratchBytes[7 - i] = frame[v0 + i];
      const v = scratchDouble[0];
      if (!Number.isFinite(v)) return -1;
      const text = formatFloat(v);
      if (o + text.length + (end - p) + 32 > out.length) return -1;
      for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
      doubles++;
    } else {
      // Integer, string or bool fields (or a field this path does not know).
      return -1;
    }
    p = fieldEnd;
  }
  if (doubles === 0 || o === at) return -1;
  sep = 0x20;
  out[o++] = sep;
  if (!hasTime) {
    out[o++] = 0x30;
  } else {
    o = writeUint64(timeHi, timeMid, timeLo, out, o);
  }
  out[o++] = 0x0a;
  return o;
}

/**
 * Writes hi·2^56 + mid·2^28 + lo in decimal (hi < 2^7, mid and lo < 2^28:
 * below 2^63). One long division by 10^7 on the base-2^28 limbs (every
 * intermediate below 10^7 · 2^28 < 2^53, exact) leaves a quotient below
 * 2^63 / 10^7 < 2^40, which a double holds exactly.
 */
function writeUint64(hi: number, mid: number, lo: number, out: Buffer, at: number): number {
  let o = at;
  let r = hi % 1e7;
  const a = (hi - r) / 1e7;
  let x = r * 268435456 + mid;
  r = x % 1e7;
  const b = (x - r) / 1e7;
  x = r * 268435456 + lo;
  let low = x % 1e7;
  const c = (x - low) / 1e7;
  const rest = (a * 268435456 + b) * 268435456 + c;
  if (rest === 0) {
    const s = String(low);
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
    return o;
  }
  const s = String(rest);
  for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
  for (let i = 6; i >= 0; i--) {
    const d = low % 10;
    out[o + i] = 48 + d;
    low = (low - d) / 10;
  }
  return o + 7;
}
