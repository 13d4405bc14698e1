import { type InfoResponse, type Option, type OptionValue, ValueType } from '@kapacitor-udf/core';
import { parseDurationLiteral } from './duration-literal';
import { HarnessError } from './errors';

/**
 * One option value written the TICKscript way. The option's declared type
 * decides how it is sent: `42` is a DOUBLE for a double option and an INT for
 * an int option; a duration may be bigint nanoseconds, a `Duration` or a
 * literal like `'10s'`.
 */
export type TickValue = string | number | bigint | boolean | { readonly ns: bigint };

/**
 * Options as a TICKscript would set them, in script order (object key
 * order), e.g. `{ field: ['mycustom_field', 42.0], size: 10n, as: 'mean', enabled: true }`:
 * - a single-value option: the value;
 * - a several-value option (`.field(name, value)`): an array of the values;
 * - a flag (`.enabled()`): `true` (false or undefined leaves it out);
 * - an option given several times: an array of occurrences
 *   (`tag: [['host', 'a'], ['dc', 'x']]`, or `name: ['a', 'b']` for one-value options).
 */
export type TickOptions = { readonly [name: string]: TickValue | readonly TickValue[] | readonly (readonly TickValue[])[] | undefined };

/** TICKscript-style options, or raw protocol `Option`s sent exactly as given. */
export type OptionsInput = TickOptions | readonly Option[];

/** Declared value types per option name, as in `InfoResponse.options`. */
export type DeclaredOptions = InfoResponse['options'];

/** Each type's name with its article, for "... is not an int". */
const TYPE_NAMES: Record<ValueType, string> = {
  [ValueType.BOOL]: 'a bool',
  [ValueType.INT]: 'an int',
  [ValueType.DOUBLE]: 'a double',
  [ValueType.STRING]: 'a string',
  [ValueType.DURATION]: 'a duration',
} as Record<ValueType, string>;

/** Makers of exactly-typed option values, for raw options (e.g. to test how a UDF treats a wrong type). */
export const raw = {
  bool: (value: boolean): OptionValue => ({ type: ValueType.BOOL, value: { $case: 'boolValue', value } }),
  int: (value: bigint): OptionValue => ({ type: ValueType.INT, value: { $case: 'intValue', value } }),
  double: (value: number): OptionValue => ({ type: ValueType.DOUBLE, value: { $case: 'doubleValue', value } }),
  string: (value: string): OptionValue => ({ type: ValueType.STRING, value: { $case: 'stringValue', value } }),
  duration: (ns: bigint): OptionValue => ({ type: ValueType.DURATION, value: { $case: 'durationValue', value: ns } }),
  /** What Kapacitor sends for a non-literal argument (a field reference, a lambda): type BOOL, no value. */
  unset: (): OptionValue => ({ type: ValueType.BOOL, value: undefined }),
  option: (name: string, ...values: OptionValue[]): Option => ({ name, values }),
};

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return String(value);
}

function isDurationLike(value: unknown): value is { ns: bigint } {
  return typeof value === 'object' && value !== null && typeof (value as { ns?: unknown }).ns === 'bigint';
}

/** One value converted to the declared type, or an error saying what to write instead. */
function typedValue(option: string, type: ValueType, value: unknown): OptionValue {
  const wrong = (hint: string) =>
    new HarnessError(
      'ERR_OPTION_VALUE',
      `option ${option}: ${describe(value)} is not ${TYPE_NAMES[type]}: ${hint} (or pass raw options to send a wrong type on purpose)`,
    );
  switch (type) {
    case ValueType.STRING:
      if (typeof value === 'string') return raw.string(value);
      throw wrong("give a string, e.g. 'value'");
    case ValueType.DOUBLE:
      if (typeof value === 'number') return raw.double(value);
      throw wrong('give a number, e.g. 1.5');
    case ValueType.INT:
      if (typeof value === 'bigint') return raw.int(value);
      if (typeof value === 'number' && Number.isSafeInteger(value)) return raw.int(BigInt(value));
      // Whether the UDF declared int: 'number' or not, the script sends an int
      // and the harness takes a whole number either way: say so, not "a bigint".
      if (typeof value === 'number' && Number.isInteger(value)) {
        throw wrong(`a number this large is not exact (past Number.MAX_SAFE_INTEGER): give a bigint, e.g. ${BigInt(value)}n`);
      }
      throw wrong('give a whole number, e.g. 10 or 10n');
    case ValueType.BOOL:
      if (typeof value === 'boolean') return raw.bool(value);
      throw wrong('give true or false');
    case ValueType.DURATION:
      if (typeof value === 'bigint') return raw.duration(value);
      if (isDurationLike(value)) return raw.duration(value.ns);
      if (typeof value === 'string') return raw.duration(parseDurationLiteral(value));
      throw wrong("give a duration literal like '10s', a Duration, or bigint nanoseconds");
    default:
      throw wrong('the UDF declares an unknown value type');
  }
}

/** The occurrences of one option: each is the list of its values. */
function occurrences(option: string, types: readonly ValueType[], value: unknown): unknown[][] {
  if (types.length === 0) {
    if (value === true) return [[]];
    if (value === false) return [];
    throw new HarnessError('ERR_OPTION_VALUE', `option ${option} is a flag (.${option}()): give true to set it, false to leave it out`);
  }
  if (types.length === 1) return Array.isArray(value) ? value.map((v) => [v]) : [[value]];
  if (!Array.isArray(value)) {
    throw new HarnessError(
      'ERR_OPTION_VALUE',
      `option ${option} takes ${types.length} values (${types.map((t) => TYPE_NAMES[t]).join(', ')}): give them as an array, e.g. ${option}: [...]`,
    );
  }
  const repeated = value.length === 0 || Array.isArray(value[0]);
  return repeated ? (value as unknown[][]) : [value];
}

/**
 * Turns TICKscript-style options into the `Option`s of an InitRequest, typed
 * by the UDF's declared options the way Kapacitor checks a script: the option
 * must exist and every occurrence must have one value per declared type.
 * Raw `Option[]` input is returned unchanged.
 */
export function toInitOptions(input: OptionsInput, declared: DeclaredOptions): Option[] {
  if (Array.isArray(input)) return [...(input as readonly Option[])];
  const out: Option[] = [];
  for (const [name, value] of Object.entries(input as TickOptions)) {
    if (value === undefined) continue;
    const info = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (info === undefined) {
      const known = Object.keys(declared);
      throw new HarnessError(
        'ERR_UNKNOWN_OPTION',
        `the UDF has no option ${JSON.stringify(name)} (it declares ${known.length === 0 ? 'none' : known.join(', ')}); Kapacitor would reject the script. Pass raw options to send it anyway`,
      );
    }
    for (const values of occurrences(name, info.valueTypes, value)) {
      if (values.length !== info.valueTypes.length) {
        throw new HarnessError(
          'ERR_OPTION_VALUE',
          `option ${name} takes ${info.valueTypes.length} value(s) (${info.valueTypes.map((t) => TYPE_NAMES[t]).join(', ')}), got ${values.length}: ${describe(values)}`,
        );
      }
      out.push({ name, values: values.map((v, i) => typedValue(name, info.valueTypes[i], v)) });
    }
  }
  return out;
}
