/**
 * Human-facing description of a UDF class: its options with types, defaults
 * and descriptions, and a TICKscript usage line. Defaults are read from a
 * throwaway instance (so UDF constructors must be free of side effects).
 */
import { describeError } from '@kapacitor-udf/core/internal';
import type { EdgeName, OptionDefinition, OptionShape, ValueTypeName } from './definition';
import { getUdfDefinition, type UdfClass } from './metadata';
import { placeholder, tickLiteral } from './tickscript-literal';

export interface OptionDescription {
  /** TICKscript name. */
  readonly name: string;
  readonly property: string;
  readonly shape: OptionShape;
  readonly valueTypes: readonly ValueTypeName[];
  /** How int values are delivered ('bigint' or 'number'). */
  readonly int: 'bigint' | 'number';
  readonly required: boolean;
  readonly repeatable: boolean;
  readonly description: string | undefined;
  /** The default as TICKscript would write it (e.g. `10`, `1.5`, `'avg'`, `90s`), or undefined when there is none. */
  readonly default: string | undefined;
  /** How the option is written in a script: `.field('value', 1.0)`. */
  readonly usage: string;
}

export interface UdfDescription {
  readonly name: string;
  readonly className: string;
  readonly description: string | undefined;
  readonly wants: EdgeName;
  readonly provides: EdgeName;
  readonly stateVersion: number;
  /** What a handler failing on one point or batch does: 'fail' (the task ends) or 'skip'. */
  readonly onError: 'fail' | 'skip';
  readonly options: readonly OptionDescription[];
  /** Properties saved by the automatic snapshot. */
  readonly state: readonly string[];
  /** A TICKscript line using the UDF with every option, e.g. `@movingAvg().field('value').size(10)`. */
  readonly example: string;
  /** Why defaults are missing, when the throwaway instance could not be constructed. */
  readonly defaultsError?: string;
}

function formatDefault(option: OptionDefinition, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (option.repeatable && Array.isArray(value)) {
    return `[${value.map((v) => formatOne(option, v)).join(', ')}]`;
  }
  return formatOne(option, value);
}

/** One occurrence's value: a single literal, a tuple `('a', 1.0)`, or a flag's boolean. */
function formatOne(option: OptionDefinition, value: unknown): string {
  if (option.shape === 'tuple' && Array.isArray(value)) {
    return `(${value.map((v, i) => tickLiteral(v, option.valueTypes[i])).join(', ')})`;
  }
  return tickLiteral(value, option.valueTypes[0]);
}

/** The option's arguments in a usage line: its default (when it has one) or placeholders. */
function usageArguments(option: OptionDefinition, value: unknown): string {
  let occurrence = value;
  if (option.repeatable) occurrence = Array.isArray(value) && value.length > 0 ? value[0] : undefined;
  if (option.shape === 'flag') return '';
  if (option.shape === 'tuple') {
    return option.valueTypes
      .map((t, i) => (Array.isArray(occurrence) && occurrence[i] !== undefined ? tickLiteral(occurrence[i], t) : placeholder(t)))
      .join(', ');
  }
  const type = option.valueTypes[0];
  return occurrence !== undefined && occurrence !== null ? tickLiteral(occurrence, type) : placeholder(type);
}

export function describeUdf(cls: UdfClass): UdfDescription {
  const definition = getUdfDefinition(cls);
  let instance: Record<string, unknown> | undefined;
  let defaultsError: string | undefined;
  try {
    instance = new (cls as new () => Record<string, unknown>)();
  } catch (error) {
    defaultsError = `constructing ${definition.className} failed: ${describeError(error)}`;
  }
  const options = definition.options.map((option): OptionDescription => {
    const value = instance?.[option.property];
    const args = usageArguments(option, value);
    return {
      name: option.name,
      property: option.property,
      shape: option.shape,
      valueTypes: option.valueTypes,
      int: option.int,
      required: option.required,
      repeatable: option.repeatable,
      description: option.description,
      default: formatDefault(option, value),
      usage: `.${option.name}(${args})`,
    };
  });
  return {
    name: definition.name,
    className: definition.className,
    description: definition.description,
    wants: definition.wants,
    provides: definition.provides,
    stateVersion: definition.stateVersion,
    onError: definition.onError ?? 'fail',
    options,
    state: definition.state,
    example: `@${definition.name}()${options.map((o) => o.usage).join('')}`,
    ...(defaultsError !== undefined ? { defaultsError } : {}),
  };
}

function signature(option: OptionDescription): string {
  return `.${option.name}(${option.valueTypes.join(', ')})`;
}

/** The description as text, for `udf-run --describe` and documentation. */
export function formatDescription(description: UdfDescription | UdfClass): string {
  const d = typeof description === 'function' ? describeUdf(description) : description;
  const lines: string[] = [];
  lines.push(d.description ? `${d.name} - ${d.description}` : d.name);
  lines.push(`  class ${d.className}; wants ${d.wants}, provides ${d.provides}`);
  lines.push('');
  if (d.options.length === 0) {
    lines.push('Options: none');
  } else {
    lines.push('Options:');
    const width = Math.max(...d.options.map((o) => signature(o).length));
    for (const option of d.options) {
      const notes: string[] = [];
      if (option.shape === 'flag') notes.push('flag');
      if (option.required) notes.push('required');
      if (option.repeatable) notes.push('repeatable');
      if (option.int === 'number') notes.push('int as number');
      if (!option.required && option.default !== undefined) notes.push(`default ${option.default}`);
      if (option.property !== option.name) notes.push(`property ${option.property}`);
      lines.push(`  ${signature(option).padEnd(width)}  ${notes.join(', ')}`.trimEnd());
      if (option.description) lines.push(`  ${' '.repeat(width)}  ${option.description}`);
    }
  }
  if (d.defaultsError !== undefined) lines.push(`  (defaults unknown: ${d.defaultsError})`);
  if (d.state.length > 0) lines.push('', `State (snapshot version ${d.stateVersion}): ${d.state.join(', ')}`);
  lines.push('', 'Example:', `  ${d.example}`);
  return `${lines.join('\n')}\n`;
}
