/**
 * Reads the options of an InitRequest into a UDF instance. Kapacitor already
 * checks option names, arity and types at define time, but a UDF must not
 * trust that (older servers, other clients, non-literal values arrive with no
 * value at all), so every rule is checked again here. Every problem becomes one
 * readable line; nothing throws.
 */
import type { OptionValue, Option as ProtoOption } from '@kapacitor-udf/core';
import { closest } from '@kapacitor-udf/core/internal';
import { abbreviate } from './abbreviate';
import type { OptionDefinition, UdfDefinition, ValueTypeName } from './definition';
import { Duration } from './duration';
import { doubleLiteral, placeholder, stringLiteral } from './tickscript-literal';

const CASE_TO_TYPE: Readonly<Record<string, ValueTypeName>> = {
  boolValue: 'bool',
  intValue: 'int',
  doubleValue: 'double',
  stringValue: 'string',
  durationValue: 'duration',
};

/** An option value as a script author would recognise it: `int 10`, `string 'x'`. */
export function describeGiven(value: OptionValue): string {
  const v = value.value;
  switch (v?.$case) {
    case undefined:
      return 'a non-literal value';
    case 'boolValue':
      return `bool ${v.value ? 'TRUE' : 'FALSE'}`;
    case 'intValue':
      return `int ${v.value}`;
    case 'doubleValue':
      return `double ${doubleLiteral(v.value)}`;
    case 'stringValue':
      return `string ${abbreviate(stringLiteral(v.value))}`;
    case 'durationValue':
      return `duration ${Duration.nanoseconds(v.value).toTickscript()}`;
  }
}

/** `.field(<string>, <double>)`: how to write an option in TICKscript. */
export function optionUsage(option: OptionDefinition): string {
  return `.${option.name}(${option.valueTypes.map((t) => `<${t}>`).join(', ')})`;
}

const INVALID: unique symbol = Symbol('invalid');

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function convertValue(option: OptionDefinition, index: number, value: OptionValue, problems: string[]): unknown | typeof INVALID {
  const expected = option.valueTypes[index];
  const label =
    option.valueTypes.length > 1 ? `option '${option.name}', value ${index + 1} of ${option.valueTypes.length}` : `option '${option.name}'`;
  const v = value.value;
  if (v === undefined) {
    problems.push(
      `${label}: expected a ${expected} literal, given a non-literal value (Kapacitor sends no value for a field reference or lambda); write a literal such as ${placeholder(expected)}`,
    );
    return INVALID;
  }
  const actual = CASE_TO_TYPE[v.$case];
  if (actual !== expected) {
    const hint =
      expected === 'double' && v.$case === 'intValue'
        ? ` (write ${v.value}.0 for a double)`
        : expected === 'duration' && (v.$case === 'intValue' || v.$case === 'doubleValue')
          ? ' (write a duration literal such as 10s)'
          : '';
    problems.push(`${label}: expected ${expected}, given ${describeGiven(value)}${hint}`);
    return INVALID;
  }
  switch (v.$case) {
    case 'intValue':
      if (option.int === 'number') {
        if (v.value < MIN_SAFE || v.value > MAX_SAFE) {
          problems.push(
            `${label}: ${v.value} is outside the range this option accepts (declared int: 'number', which holds integers from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER} exactly)`,
          );
          return INVALID;
        }
        return Number(v.value);
      }
      return v.value;
    case 'durationValue':
      return Duration.nanoseconds(v.value);
    default:
      return v.value;
  }
}

/** The value an option occurrence assigns (single value, tuple array, or true for a flag). */
function convertOccurrence(option: OptionDefinition, given: ProtoOption, problems: string[]): unknown | typeof INVALID {
  const values = given.values;
  if (values.length !== option.valueTypes.length) {
    const givenText = values.length === 0 ? 'none' : `${values.length} (${values.map(describeGiven).join(', ')})`;
    if (option.shape === 'flag') {
      problems.push(`option '${option.name}' is a flag and takes no values, given ${givenText}; write .${option.name}()`);
    } else {
      const n = option.valueTypes.length;
      problems.push(
        `option '${option.name}' expects ${n} value${n === 1 ? '' : 's'} (${option.valueTypes.join(', ')}), given ${givenText}; write ${optionUsage(option)}`,
      );
    }
    return INVALID;
  }
  if (option.shape === 'flag') return true;
  if (option.shape === 'single') return convertValue(option, 0, values[0], problems);
  const tuple: unknown[] = [];
  let ok = true;
  for (let i = 0; i < values.length; i++) {
    const converted = convertValue(option, i, values[i], problems);
    if (converted === INVALID) ok = false;
    else tuple.push(converted);
  }
  return ok ? tuple : INVALID;
}

export interface AppliedOptions {
  /** One line per problem; empty when every option was valid. */
  readonly problems: string[];
  /** Properties whose option had a problem (left at their default). */
  readonly failed: ReadonlySet<string>;
}

/**
 * Checks `given` against the definition and assigns the values to `instance`.
 * Options not given keep their property initializer; a repeatable option that
 * is given replaces its default with the array of given values, in order.
 */
export function applyOptions(definition: UdfDefinition, instance: Record<string, unknown>, given: readonly ProtoOption[]): AppliedOptions {
  const problems: string[] = [];
  const failed = new Set<string>();
  const byName = new Map(definition.options.map((o) => [o.name, o]));
  const collected = new Map<OptionDefinition, unknown[]>();
  const counts = new Map<OptionDefinition, number>();

  for (const entry of given) {
    const option = byName.get(entry.name);
    if (option === undefined) {
      const known = definition.options.map((o) => o.name);
      const near = closest(entry.name, known);
      problems.push(
        `unknown option '${abbreviate(entry.name)}': ${near === undefined ? '' : `did you mean .${near}(...)? `}${known.length === 0 ? `${definition.name} has no options` : `the options of ${definition.name} are ${known.join(', ')}`}`,
      );
      continue;
    }
    counts.set(option, (counts.get(option) ?? 0) + 1);
    const value = convertOccurrence(option, entry, problems);
    if (value === INVALID) {
      failed.add(option.property);
      continue;
    }
    let values = collected.get(option);
    if (values === undefined) collected.set(option, (values = []));
    values.push(value);
  }

  for (const option of definition.options) {
    const count = counts.get(option) ?? 0;
    if (count === 0) {
      if (option.required) {
        problems.push(`option '${option.name}' is required: add ${optionUsage(option)} to the UDF node in the TICKscript`);
        failed.add(option.property);
      }
      continue;
    }
    if (count > 1 && !option.repeatable) {
      problems.push(`option '${option.name}' may be given only once, given ${count} times; remove the extra .${option.name}(...)`);
      failed.add(option.property);
      continue;
    }
    if (failed.has(option.property)) continue;
    const values = collected.get(option)!;
    instance[option.property] = option.repeatable ? values : values[0];
  }
  return { problems, failed };
}
