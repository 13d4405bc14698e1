/**
 * InfluxDB line protocol -> Kapacitor Points, with the rules of the parser
 * Kapacitor itself uses to read line protocol (influxdb/models points.go,
 * v1.x, which kapacitord 1.5.9 vendors) and one extension:
 *
 * - measurement: `\,` and `\ ` are escapes; tag keys and values: `\,` `\ `
 *   `\=`; field keys: `\,` `\ ` `\=` `\"`. A backslash before any other
 *   character is a literal backslash. As in Go, a character is escaped when
 *   the character before it is a backslash (so `a\\,b` is one name, `a\,b`).
 * - field values: `"string"` (`\"` and `\\` escaped, may span lines), floats
 *   (`1`, `-1.5`, `.5`, `1e-3`), integers `1i`, booleans t T true True TRUE
 *   f F false False FALSE. NaN and infinities are rejected, as in Go.
 * - the extension: unsigned integers `1u` (InfluxDB 1.x has them switched
 *   off and calls them an invalid number; 2.x and Telegraf write them). The UDF
 *   protocol has one integer type (int64), so a `u` value becomes an integer
 *   field and one above 9223372036854775807 is an error rather than wrapped.
 * - timestamp: optional integer in the given precision; a line without one
 *   gets `defaultTime`, and without a `defaultTime` it is an error.
 * - tags are kept in Go's key order (Go's parser sorts them); a duplicate
 *   tag key is an error, as in Go. A duplicate field key is an error too (Go
 *   keeps the last one; silently losing a value is worse).
 * - blank lines and lines starting with `#` are skipped.
 *
 * Why not a package: the line-protocol parsers on npm have no release in
 * years or no bigint integers (int64 fields lose precision as numbers), no
 * `u` values and no line numbers in errors.
 */
import type { Point } from '@kapacitor-udf/core';
import { compareUtf8, setOwn } from '@kapacitor-udf/core/internal';
import { ReplayError } from './errors';

const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const EQUALS = 61;
const BACKSLASH = 92;

/** Longest measurement-and-tags key InfluxDB accepts (models.MaxKeyLength). */
export const MAX_KEY_LENGTH = 65535;

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;
const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const UNSIGNED = /^\d+$/;

export interface ParseLineOptions {
  /** Nanoseconds per timestamp unit (1n for ns, 1000n for us, ...). */
  nsPerUnit: bigint;
  /** Nanoseconds for a line without a timestamp; undefined: such a line is an error. */
  defaultTime: bigint | undefined;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === 0;
}

/**
 * Parses the line `s[start, end)` (no trailing newline). Returns undefined for
 * a blank or comment line; throws a ReplayError naming `lineNumber` otherwise.
 */
export function parseLine(s: string, start: number, end: number, lineNumber: number, options: ParseLineOptions): Point | undefined {
  let i = start;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  if (i >= end || s.charCodeAt(i) === HASH) return undefined;
  const fail = (what: string): never => {
    throw lineError(lineNumber, what, s.slice(start, end));
  };

  // Measurement: up to an unescaped comma (tags follow) or space (fields follow).
  const keyStart = i;
  if (s.charCodeAt(i) === COMMA) fail('missing measurement');
  let j = i + 1;
  for (;;) {
    if (j >= end) fail('missing fields (a point needs at least one field, e.g. "cpu value=1")');
    const c = s.charCodeAt(j);
    if ((c === COMMA || c === SPACE) && s.charCodeAt(j - 1) !== BACKSLASH) break;
    j++;
  }
  const name = unescapePart(s, i, j, MEASUREMENT_ESCAPES);

  // Tags.
  const tags: Record<string, string> = {};
  let tagCount = 0;
  let sorted = true;
  let lastKey = '';
  while (s.charCodeAt(j) === COMMA) {
    j++;
    const k0 = j;
    let c = j < end ? s.charCodeAt(j) : -1;
    if (c === -1 || c === SPACE || c === COMMA || c === EQUALS) fail('missing tag key after ","');
    for (;;) {
      j++;
      if (j >= end) fail(`tag key ${quote(s.slice(k0, j))} has no value (write key=value)`);
      c = s.charCodeAt(j);
      const escaped = s.charCodeAt(j - 1) === BACKSLASH;
      if ((c === SPACE || c === COMMA) && !escaped) fail(`tag key ${quote(s.slice(k0, j))} has no value (write key=value)`);
      if (c === EQUALS && !escaped) break;
    }
    const key = unescapePart(s, k0, j, TAG_ESCAPES);
    j++;
    const v0 = j;
    c = j < end ? s.charCodeAt(j) : -1;
    if (c === -1 || c === SPACE || c === COMMA)
      fail(`tag ${quote(key)} has an empty value (InfluxDB has no empty tag values: leave the tag out)`);
    for (;;) {
      j++;
      if (j >= end) fail('missing fields (a point needs at least one field, e.g. "cpu,host=a value=1")');
      c = s.charCodeAt(j);
      const escaped = s.charCodeAt(j - 1) === BACKSLASH;
      if (escaped) continue;
      if (c === EQUALS) fail(`tag ${quote(key)}: unescaped "=" in its value (write \\=)`);
      if (c === COMMA || c === SPACE) break;
    }
    if (Object.hasOwn(tags, key)) fail(`duplicate tag key ${quote(key)}`);
    setOwn(tags, key, unescapePart(s, v0, j, TAG_ESCAPES));
    if (tagCount > 0 && sorted && compareUtf8(lastKey, key) > 0) sorted = false;
    lastKey = key;
    tagCount++;
  }
  if (j - keyStart > MAX_KEY_LENGTH) fail(`measurement and tags are ${j - keyStart} bytes, more than InfluxDB's ${MAX_KEY_LENGTH}`);

  // Fields: one or more key=value separated by commas.
  while (j < end && isSpace(s.charCodeAt(j))) j++;
  const fieldsDouble: Record<string, number> = {};
  const fieldsInt: Record<string, bigint> = {};
  const fieldsString: Record<string, string> = {};
  const fieldsBool: Record<string, boolean> = {};
  const seen = new Set<string>();
  for (;;) {
    const k0 = j;
    for (;;) {
      if (j >= end) fail(k0 === j ? 'missing fields' : `field ${quote(s.slice(k0, j))} has no value (write key=value)`);
      const c = s.charCodeAt(j);
      if (j > k0 && s.charCodeAt(j - 1) === BACKSLASH) {
        j++;
        continue;
      }
      if (c === EQUALS) break;
      if (c === SPACE || c === COMMA)
        fail(k0 === j ? 'missing field key' : `field ${quote(s.slice(k0, j))} has no value (write key=value)`);
      j++;
    }
    if (j === k0) fail('missing field key before "="');
    const key = unescapePart(s, k0, j, FIELD_KEY_ESCAPES);
    if (seen.has(key)) fail(`duplicate field key ${quote(key)}`);
    seen.add(key);
    j++;
    const c = j < end ? s.charCodeAt(j) : -1;
    if (c === -1 || c === SPACE || c === COMMA) fail(`field ${quote(key)} has no value`);
    if (c === QUOTE) {
      let k = j + 1;
      let hasBackslash = false;
      for (;;) {
        if (k >= end) fail(`field ${quote(key)}: string value has no closing quote`);
        const d = s.charCodeAt(k);
        if (d === BACKSLASH) {
          hasBackslash = true;
          k += 2;
          continue;
        }
        if (d === QUOTE) break;
        k++;
      }
      setOwn(fieldsString, key, hasBackslash ? unescapeString(s, j + 1, k) : s.slice(j + 1, k));
      j = k + 1;
    } else {
      let k = j + 1;
      while (k < end) {
        const d = s.charCodeAt(k);
        if (d === COMMA || d === SPACE) break;
        k++;
      }
      const token = s.slice(j, k);
      if ((c >= 48 && c <= 57) || c === MINUS || c === DOT) setNumber(key, token, fieldsDouble, fieldsInt, fail);
      else setOwn(fieldsBool, key, parseBoolean(key, token, fail));
      j = k;
    }
    if (j >= end) break;
    const d = s.charCodeAt(j);
    if (d === COMMA) {
      j++;
      continue;
    }
    if (isSpace(d)) break;
    fail(`field ${quote(key)}: unexpected ${quote(s[j])} after its value (separate fields with "," and the timestamp with a space)`);
  }

  // Timestamp.
  while (j < end && isSpace(s.charCodeAt(j))) j++;
  let time: bigint;
  if (j >= end) {
    if (options.defaultTime === undefined) fail('no timestamp (give one, or a default time for lines without one)');
    time = options.defaultTime as bigint;
  } else {
    let k = j;
    while (k < end && !isSpace(s.charCodeAt(k))) k++;
    const token = s.slice(j, k);
    if (!INTEGER.test(token)) fail(`bad timestamp ${quote(token)} (an integer in the chosen precision is expected)`);
    for (let m = k; m < end; m++) if (!isSpace(s.charCodeAt(m))) fail(`unexpected text after the timestamp: ${quote(s.slice(m, end))}`);
    time = BigInt(token) * options.nsPerUnit;
    if (time > MAX_INT64 || time < MIN_INT64) fail(`timestamp ${token} is out of range (int64 nanoseconds)`);
  }

  return {
    time,
    name,
    database: '',
    retentionPolicy: '',
    group: '',
    dimensions: [],
    tags: sorted ? tags : sortTags(tags),
    fieldsDouble,
    fieldsInt,
    fieldsString,
    byName: false,
    fieldsBool,
  };
}

function setNumber(
  key: string,
  token: string,
  doubles: Record<string, number>,
  ints: Record<string, bigint>,
  fail: (what: string) => never,
): void {
  const last = token.charCodeAt(token.length - 1);
  if (last === 105 /* i */) {
    const digits = token.slice(0, -1);
    if (!INTEGER.test(digits)) fail(`field ${quote(key)}: invalid integer ${quote(token)}`);
    const v = BigInt(digits);
    if (v > MAX_INT64 || v < MIN_INT64) fail(`field ${quote(key)}: integer ${digits} is out of the int64 range`);
    setOwn(ints, key, v);
    return;
  }
  if (last === 117 /* u */) {
    const digits = token.slice(0, -1);
    if (!UNSIGNED.test(digits)) fail(`field ${quote(key)}: invalid unsigned integer ${quote(token)}`);
    const v = BigInt(digits);
    if (v > MAX_UINT64) fail(`field ${quote(key)}: unsigned integer ${digits} is out of the uint64 range`);
    if (v > MAX_INT64) {
      fail(`field ${quote(key)}: unsigned integer ${digits} does not fit in int64, the only integer type a Kapacitor point has`);
    }
    setOwn(ints, key, v);
    return;
  }
  if (!FLOAT.test(token)) fail(`field ${quote(key)}: invalid number ${quote(token)}`);
  const v = Number(token);
  if (!Number.isFinite(v)) fail(`field ${quote(key)}: ${token} is out of the float64 range`);
  setOwn(doubles, key, v);
}

const BOOLEANS: Readonly<Record<string, boolean>> = {
  t: true,
  T: true,
  true: true,
  True: true,
  TRUE: true,
  f: false,
  F: false,
  false: false,
  False: false,
  FALSE: false,
};

function parseBoolean(key: string, token: string, fail: (what: string) => never): boolean {
  const v = Object.hasOwn(BOOLEANS, token) ? BOOLEANS[token] : undefined;
  if (v === undefined) {
    fail(`field ${quote(key)}: invalid value ${quote(token)} (a number, "string", or boolean t/true/f/false; quote strings)`);
  }
  return v as boolean;
}

/** Characters after a backslash that mean the character itself, per part of a line. */
const MEASUREMENT_ESCAPES = new Set([COMMA, SPACE]);
const TAG_ESCAPES = new Set([COMMA, SPACE, EQUALS]);
const FIELD_KEY_ESCAPES = new Set([COMMA, SPACE, EQUALS, QUOTE]);

/**
 * The next backslash at or after `from` in `s`, remembered: lines are parsed
 * in increasing offsets of one chunk, and `indexOf` from each part's start
 * would scan to the chunk's end again and again when it holds no backslash.
 * Invariant: for the remembered string, no backslash lies in [memoFrom, memoAt).
 */
let memoString = '';
let memoFrom = 0;
let memoAt = -1;
function nextBackslash(s: string, from: number): number {
  if (s === memoString && from >= memoFrom && (memoAt === -1 || from <= memoAt)) return memoAt;
  memoString = s;
  memoFrom = from;
  memoAt = s.indexOf('\\', from);
  return memoAt;
}

function unescapePart(s: string, start: number, end: number, escapes: ReadonlySet<number>): string {
  const at = nextBackslash(s, start);
  if (at === -1 || at >= end) return s.slice(start, end);
  let out = '';
  let from = start;
  for (let i = at; i < end - 1; i++) {
    if (s.charCodeAt(i) === BACKSLASH && escapes.has(s.charCodeAt(i + 1))) {
      out += s.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + s.slice(from, end);
}

/** A string field's content: `\"` is a quote, `\\` a backslash, any other backslash is itself. */
function unescapeString(s: string, start: number, end: number): string {
  let out = '';
  let from = start;
  for (let i = start; i < end - 1; i++) {
    if (s.charCodeAt(i) === BACKSLASH) {
      const next = s.charCodeAt(i + 1);
      if (next === BACKSLASH || next === QUOTE) {
        out += s.slice(from, i);
        from = i + 1;
      }
      i++;
    }
  }
  return out + s.slice(from, end);
}

function sortTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(tags).sort(compareUtf8)) setOwn(out, key, tags[key]);
  return out;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function lineError(lineNumber: number, what: string, line: string): ReplayError {
  const shown = line.length > 120 ? `${line.slice(0, 117)}...` : line;
  return new ReplayError('ERR_LINE_PROTOCOL', `line ${lineNumber}: ${what}: ${shown}`, lineNumber);
}
