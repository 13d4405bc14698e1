/**
 * Writes values the way a TICKscript author would type them, for error
 * messages ("given int 2"), defaults in descriptions and usage examples.
 */
import type { ValueTypeName } from './definition';
import { Duration } from './duration';

/**
 * A TICKscript string literal. Kapacitor's lexer unescapes only `\'` in a
 * single-quoted string (tick/ast newString): every other backslash stands
 * for itself, so `a\b` is written as is, never doubled. A backslash just
 * before a quote or at the end cannot be written that way; triple quotes
 * (raw text, no escapes at all) can hold it unless the text also holds
 * `'''` or ends with a quote: such a text has no TICKscript literal at all,
 * and is written single-quoted (messages only; Kapacitor never sends it).
 */
export function stringLiteral(text: string): string {
  if (/\\('|$)/.test(text) && !text.includes("'''") && !text.endsWith("'")) return `'''${text}'''`;
  return `'${text.replace(/'/g, "\\'")}'`;
}

/** A TICKscript float literal always has a decimal point: `2.0`, not `2` (which is an int). */
export function doubleLiteral(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(1) : String(n);
}

/**
 * `value` as TICKscript would write it. `type` says how to print numbers
 * (a number declared 'double' gets a decimal point; as 'int' it does not).
 */
export function tickLiteral(value: unknown, type?: ValueTypeName): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Duration.isDuration(value)) return value.toTickscript();
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return type === 'double' ? doubleLiteral(value) : String(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'string':
      return stringLiteral(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((v) => tickLiteral(v, type)).join(', ')}]`;
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A placeholder a user would replace, per value type, for usage examples. */
export function placeholder(type: ValueTypeName): string {
  switch (type) {
    case 'bool':
      return 'TRUE';
    case 'int':
      return '10';
    case 'double':
      return '1.0';
    case 'string':
      return "'value'";
    case 'duration':
      return '10s';
  }
}
