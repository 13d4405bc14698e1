/**
 * Kapacitor Points -> line protocol, written so that `parseLine` (and
 * InfluxDB / Kapacitor) read back the same point: tags and fields in Go's
 * key order (as Kapacitor's `pointMessage.Bytes` writes them), floats in
 * plain decimal like Go's `strconv.FormatFloat(v, 'f', -1, 64)`, integers
 * with `i`, strings quoted with `\"` and `\\` escaped.
 *
 * What line protocol cannot hold is an error (ERR_LINE_PROTOCOL_WRITE), never
 * a silently different line: an empty measurement or field key, a name, key or
 * tag value with a backslash at its end or before a character it escapes
 * (it would read back as an escape) or holding a newline, a measurement starting with `#` (a comment line), a
 * point without fields, NaN or an infinity. Tags with an empty value are left
 * out, as InfluxDB stores them (it has no empty tag values). A key in two
 * field maps is written once, with the value Kapacitor keeps (bool over
 * double over int over string, udf/server.go typeMapsToFields).
 */
import type { Point } from '@kapacitor-udf/core';
import { compareUtf8, sortedKeys } from '@kapacitor-udf/core/internal';
import { ReplayError } from './errors';

const MEASUREMENT_SPECIAL = /[, ]/g;
const TAG_SPECIAL = /[, =]/g;
const FIELD_KEY_SPECIAL = /[, ="]/g;
const STRING_SPECIAL = /["\\]/g;

function fail(what: string): never {
  throw new ReplayError('ERR_LINE_PROTOCOL_WRITE', `cannot write this point as line protocol: ${what}`);
}

/**
 * A backslash right before a character that this part escapes (or at the end)
 * reads back as an escape: `a\,b` cannot be told from an escaped comma by
 * InfluxDB's parser, whose field scanner and key scanner even disagree on it.
 */
const AMBIGUOUS_MEASUREMENT = /\\(?=[, ]|$)/;
const AMBIGUOUS_TAG = /\\(?=[, =]|$)/;
const AMBIGUOUS_FIELD_KEY = /\\(?=[, ="]|$)/;

function checkIdentifier(kind: string, text: string, ambiguous: RegExp): void {
  if (text.length === 0) fail(`${kind} is empty`);
  if (text.includes('\n')) fail(`${kind} ${JSON.stringify(text)} holds a newline`);
  if (ambiguous.test(text))
    fail(`${kind} ${JSON.stringify(text)} has a backslash at its end or before a separator, which reads back as an escape`);
}

function escapeWith(text: string, special: RegExp): string {
  special.lastIndex = 0;
  return special.test(text) ? text.replace(special, '\\$&') : text;
}

/** A float the way Go's FormatFloat(v, 'f', -1, 64) writes it: shortest round-trip digits, never an exponent. */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) fail(`${v} is not a number line protocol can hold`);
  if (Object.is(v, -0)) return '-0';
  const text = String(v);
  const e = text.indexOf('e');
  if (e === -1) return text;
  const negative = text.charCodeAt(0) === 45;
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const pointAt = (dot === -1 ? mantissa.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

export interface FormatLineOptions {
  /** Nanoseconds per timestamp unit (default 1n: nanoseconds). Times are divided, truncating as Go does. */
  nsPerUnit?: bigint;
}

/** Characters that need a closer look in any identifier: escapes, separators, a newline. */
const NEEDS_CARE = /[\\, ="\n]/;

function identifier(kind: string, text: string, special: RegExp, ambiguous: RegExp): string {
  // Fast path: plain text is written as it is.
  if (text.length > 0 && !NEEDS_CARE.test(text)) return text;
  checkIdentifier(kind, text, ambiguous);
  return escapeWith(text, special);
}

function fieldValue(p: Point, key: string): string {
  // Kapacitor's precedence for a key in several maps: bool, double, int, string.
  if (Object.hasOwn(p.fieldsBool, key)) return p.fieldsBool[key] ? 'true' : 'false';
  if (Object.hasOwn(p.fieldsDouble, key)) return formatFloat(p.fieldsDouble[key]);
  if (Object.hasOwn(p.fieldsInt, key)) return `${p.fieldsInt[key]}i`;
  return `"${p.fieldsString[key].replace(STRING_SPECIAL, '\\$&')}"`;
}

function fieldKeys(p: Point): string[] {
  const d = Object.keys(p.fieldsDouble);
  const i = Object.keys(p.fieldsInt);
  const st = Object.keys(p.fieldsString);
  const b = Object.keys(p.fieldsBool);
  // One kind of field (the common case): its keys, sorted only when needed.
  if (i.length + st.length + b.length === 0) return sortedKeys(p.fieldsDouble);
  return [...new Set([...d, ...i, ...st, ...b])].sort(compareUtf8);
}

/** One line (without a newline) for `p`. */
export function formatLine(p: Point, options: FormatLineOptions = {}): string {
  const first = p.name.charCodeAt(0);
  if (first === 35 || first === 9 || first === 0) fail(`measurement ${JSON.stringify(p.name)} starts with a character a reader skips`);
  let line = identifier('the measurement', p.name, MEASUREMENT_SPECIAL, AMBIGUOUS_MEASUREMENT);
  for (const key of sortedKeys(p.tags)) {
    const value = p.tags[key];
    if (value === '') continue;
    line += `,${identifier('a tag key', key, TAG_SPECIAL, AMBIGUOUS_TAG)}=${identifier(`tag ${JSON.stringify(key)}'s value`, value, TAG_SPECIAL, AMBIGUOUS_TAG)}`;
  }
  const keys = fieldKeys(p);
  if (keys.length === 0) fail(`${p.name} has no fields (a line needs at least one)`);
  let sep = ' ';
  for (const key of keys) {
    const c = key.charCodeAt(0);
    if (c === 9 || c === 0) fail(`field key ${JSON.stringify(key)} starts with a character a reader skips`);
    line += `${sep}${identifier('a field key', key, FIELD_KEY_SPECIAL, AMBIGUOUS_FIELD_KEY)}=${fieldValue(p, key)}`;
    sep = ',';
  }
  const unit = options.nsPerUnit ?? 1n;
  return `${line} ${unit === 1n ? p.time : p.time / unit}`;
}
