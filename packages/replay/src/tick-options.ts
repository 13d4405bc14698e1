/**
 * UDF options written as in a TICKscript, `.field('usage_idle').size(10)`,
 * turned into the InitRequest options Kapacitor would send. As Kapacitor's
 * TICKscript lexer and pipeline/udf.go do, a literal's own syntax decides
 * its type: `10` is an int, `10.0` a double, `'x'` a string (only `\'` is
 * an escape; `'''x'''` is raw), `TRUE`/`FALSE` a bool, `10s` a duration
 * (one unit of u µ ms s m h d w); `-` negates a number or duration. The
 * UDF then checks names and types as at Init, with its own messages.
 *
 * `name=value` pairs (`udf-run --option`) are typed by the UDF's declared
 * option types instead; a value that does not read as the declared type is
 * sent as a string, so the UDF reports the mismatch as at Init.
 */
import { type InfoResponse, type Option, type OptionValue, ValueType } from '@kapacitor-udf/core';
import { DURATION_UNIT_NS } from '@kapacitor-udf/core/internal';
import { ReplayError } from './errors';

const value = {
  bool: (v: boolean): OptionValue => ({ type: ValueType.BOOL, value: { $case: 'boolValue', value: v } }),
  int: (v: bigint): OptionValue => ({ type: ValueType.INT, value: { $case: 'intValue', value: v } }),
  double: (v: number): OptionValue => ({ type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: v } }),
  string: (v: string): OptionValue => ({ type: ValueType.STRING, value: { $case: 'stringValue', value: v } }),
  duration: (ns: bigint): OptionValue => ({ type: ValueType.DURATION, value: { $case: 'durationValue', value: ns } }),
};

function fail(text: string, at: number, what: string): never {
  throw new ReplayError(
    'ERR_TICK_OPTIONS',
    `${what} at character ${at + 1} of ${JSON.stringify(text)} (write options as in TICKscript, e.g. .field('usage_idle').size(10))`,
  );
}

const MAX_INT64 = (1n << 63n) - 1n;

/** The options of a TICKscript property chain such as `.field('usage_idle').size(10).enabled()`. */
export function parseTickOptions(text: string): Option[] {
  const options: Option[] = [];
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skip();
  while (i < text.length) {
    if (text[i] !== '.') fail(text, i, `expected "." before an option name, found ${JSON.stringify(text[i])}`);
    i++;
    skip();
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
    if (name === undefined) fail(text, i, 'expected an option name');
    i += (name as string).length;
    skip();
    if (text[i] !== '(') fail(text, i, `expected "(" after .${name}`);
    i++;
    skip();
    const values: OptionValue[] = [];
    if (text[i] === ')') i++;
    else {
      for (;;) {
        skip();
        values.push(readLiteral());
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ')') {
          i++;
          break;
        }
        fail(text, i, `expected "," or ")" in .${name}(...)`);
      }
    }
    options.push({ name: name as string, values });
    skip();
  }
  return options;

  function readLiteral(): OptionValue {
    const start = i;
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end === -1) fail(text, start, 'unterminated string');
      i = end + 3;
      return value.string(text.slice(start + 3, end));
    }
    if (text[i] === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(text, start, 'unterminated string');
        if (text[i] === '\\' && text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        if (text[i] === "'") {
          i++;
          return value.string(out);
        }
        out += text[i++];
      }
    }
    if (text.startsWith('TRUE', i) || text.startsWith('FALSE', i)) {
      const v = text.startsWith('TRUE', i);
      i += v ? 4 : 5;
      return value.bool(v);
    }
    const m = /^(-?)\s*(\d+\.\d*|\.\d+|\d+)(ms|u|µ|s|m|h|d|w)?(?![A-Za-z0-9_.])/.exec(text.slice(i));
    if (m === null) {
      if (text[i] === '"')
        fail(text, start, 'a field reference ("name") is not a literal: Kapacitor sends a UDF no value for it; give a literal');
      fail(text, start, "expected a literal: 'string', 10, 10.0, TRUE, FALSE or a duration such as 10s");
    }
    const [all, minus, digits, unit] = m as RegExpExecArray;
    i += all.length;
    if (unit !== undefined) {
      if (digits.includes('.')) fail(text, start, `a duration is a whole number and a unit (${JSON.stringify(all)})`);
      const ns = BigInt(digits) * DURATION_UNIT_NS[unit];
      if (ns > MAX_INT64) fail(text, start, `duration ${all} is too long`);
      return value.duration(minus === '' ? ns : -ns);
    }
    if (digits.includes('.')) return value.double(Number(minus + digits));
    const n = BigInt(minus + digits);
    if (n > MAX_INT64 || n < -MAX_INT64 - 1n) fail(text, start, `${all} does not fit in an int (int64)`);
    return value.int(n);
  }
}

/** One `--option` value typed by the declared type; a value that does not read as it is sent as a string. */
function typedValue(text: string, type: ValueType): OptionValue {
  switch (type) {
    case ValueType.INT:
      if (/^-?\d+$/.test(text)) {
        const n = BigInt(text);
        if (n <= MAX_INT64 && n >= -MAX_INT64 - 1n) return value.int(n);
      }
      break;
    case ValueType.DOUBLE:
      if (/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return value.double(Number(text));
      break;
    case ValueType.BOOL:
      if (/^(true|TRUE|True)$/.test(text)) return value.bool(true);
      if (/^(false|FALSE|False)$/.test(text)) return value.bool(false);
      break;
    case ValueType.DURATION: {
      const options = (() => {
        try {
          return parseTickOptions(`.d(${text})`);
        } catch {
          return undefined;
        }
      })();
      const v = options?.[0]?.values;
      if (v?.length === 1 && v[0].type === ValueType.DURATION) return v[0];
      break;
    }
    default:
      break;
  }
  return value.string(text);
}

/**
 * Options from `name=value` pairs, typed by the UDF's declared options:
 * `name` alone is a flag; an option with several values takes them
 * comma-separated (`field=usage_idle,10.0`). Unknown names are sent as
 * strings, so the UDF names the problem as at Init.
 */
export function optionsFromPairs(pairs: readonly string[], declared: InfoResponse['options']): Option[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ReplayError('ERR_TICK_OPTIONS', `--option ${JSON.stringify(pair)}: write name=value (or just name for a flag)`);
    }
    if (eq === -1) return { name, values: [] };
    const text = pair.slice(eq + 1);
    const types = Object.hasOwn(declared, name) ? declared[name].valueTypes : [ValueType.STRING];
    const parts = types.length > 1 ? text.split(',') : [text];
    return { name, values: parts.map((part, k) => typedValue(part, types[k] ?? ValueType.STRING)) };
  });
}
