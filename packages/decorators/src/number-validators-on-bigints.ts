/**
 * class-validator's number validators on an option delivered as `bigint`
 * would fail every Init ("must not be less than 1 (given 5)"): they test
 * `typeof value === 'number'`. `@Udf` refuses them when the class is defined,
 * saying what to use instead.
 */
import { getMetadataStorage } from 'class-validator';
import type { UdfDefinition } from './definition';
import { UdfDefinitionError } from './errors';

/**
 * class-validator's validators (by their metadata name) that accept only
 * numbers, with what does the job for a bigint. `isIn`/`isNotIn` compare with
 * `===`, where `5 !== 5n`: refused only when their list holds a number.
 */
const NUMBER_ONLY: Readonly<Record<string, (constraints: readonly unknown[]) => string>> = {
  min: ([min]) => `MinBigInt(${asBigInt(min)})`,
  max: ([max]) => `MaxBigInt(${asBigInt(max)})`,
  isPositive: () => 'MinBigInt(1n)',
  isNegative: () => 'MaxBigInt(-1n)',
  isDivisibleBy: ([n]) => `a check in @OnInit (this.value % ${asBigInt(n)} === 0n)`,
  isNumber: () => 'nothing: the option already delivers an integer',
  isInt: () => 'nothing: the option already delivers an integer',
  isIn: ([values]) => `IsIn with bigints (${listOf(values)})`,
  isNotIn: ([values]) => `IsNotIn with bigints (${listOf(values)})`,
};

/** class-validator's own decorator names, for the message. */
const DECORATOR_NAMES: Readonly<Record<string, string>> = {
  min: 'Min',
  max: 'Max',
  isPositive: 'IsPositive',
  isNegative: 'IsNegative',
  isDivisibleBy: 'IsDivisibleBy',
  isNumber: 'IsNumber',
  isInt: 'IsInt',
  isIn: 'IsIn',
  isNotIn: 'IsNotIn',
};

function asBigInt(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) ? `${value}n` : '...n';
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => (typeof v === 'number' ? asBigInt(v) : String(v))).join(', ') : '...';
}

function comparesNumbers(name: string, constraints: readonly unknown[]): boolean {
  if (name === 'isIn' || name === 'isNotIn') return Array.isArray(constraints[0]) && constraints[0].some((v) => typeof v === 'number');
  return true;
}

/** Throws for the first number-only class-validator check on an option whose values are bigints. */
export function refuseNumberValidatorsOnBigints(cls: Function, definition: UdfDefinition): void {
  const bigintOptions = new Map(
    definition.options.filter((o) => o.valueTypes.includes('int') && o.int === 'bigint').map((o) => [o.property, o]),
  );
  if (bigintOptions.size === 0) return;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  for (const m of metadata) {
    const option = bigintOptions.get(m.propertyName);
    const instead = m.name === undefined ? undefined : NUMBER_ONLY[m.name];
    if (option === undefined || instead === undefined || !comparesNumbers(m.name as string, m.constraints ?? [])) continue;
    const decorator = DECORATOR_NAMES[m.name as string];
    throw new UdfDefinitionError(
      'ERR_OPTION_INVALID',
      `${option.declaredIn}.${option.property}: class-validator's ${decorator} accepts only numbers, and option '${option.name}' ` +
        "delivers bigints (type 'int'): every Init would fail. " +
        `Use ${instead(m.constraints ?? [])} (MinBigInt and MaxBigInt come from @kapacitor-udf/decorators), ` +
        `or declare the option { type: 'int', int: 'number' } to get numbers.`,
    );
  }
}
