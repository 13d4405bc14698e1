/**
 * Runs the class-validator decorators a user put on the UDF class (e.g.
 * `@Min(1)`, `@IsIn([...])`) after options were assigned, and words each
 * failure like the framework's own option checks, using the TICKscript name.
 */
import { type ValidationError, validate } from 'class-validator';
import { abbreviate, QUOTE_MAX } from './abbreviate';
import type { UdfDefinition } from './definition';
import { tickLiteral } from './tickscript-literal';

/** class-validator's number-only checks, by constraint name: on a bigint they fail whatever its value. */
const NUMBER_ONLY = new Set(['min', 'max', 'isPositive', 'isNegative', 'isDivisibleBy']);

function withoutLeadingProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Adds a line per failed constraint of `error` and, for nested validation, of its children. */
function collect(error: ValidationError, label: string, path: string, lines: string[]): void {
  const where = path === '' ? label : `${label}, at ${path}`;
  for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
    if (typeof error.value === 'bigint' && NUMBER_ONLY.has(constraint)) {
      // "must not be less than 1 (given 5)" would contradict itself: say why it failed.
      lines.push(
        `${where}: class-validator's ${constraint} accepts only numbers, and the value is a bigint (${error.value}n): ` +
          'use MinBigInt/MaxBigInt from @kapacitor-udf/decorators',
      );
      continue;
    }
    // A custom validator message may quote the value itself: cut it like the value.
    const text = abbreviate(withoutLeadingProperty(message, error.property), 4 * QUOTE_MAX);
    lines.push(`${where}: ${text} (given ${abbreviate(tickLiteral(error.value))})`);
  }
  for (const child of error.children ?? []) {
    collect(child, label, path === '' ? child.property : `${path}.${child.property}`, lines);
  }
}

/**
 * @param skip properties whose option already failed the framework's checks
 *             (their validators would only repeat the problem)
 * @returns one line per failed constraint
 */
export async function validateInstance(definition: UdfDefinition, instance: object, skip: ReadonlySet<string>): Promise<string[]> {
  const errors = await validate(instance, {
    // A UDF class without any validator decorator is fine, not "unknown".
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  const optionName = new Map(definition.options.map((o) => [o.property, o.name]));
  const lines: string[] = [];
  for (const error of errors) {
    if (skip.has(error.property)) continue;
    const name = optionName.get(error.property);
    const label = name !== undefined ? `option '${name}'` : `property '${error.property}'`;
    collect(error, label, '', lines);
  }
  return lines;
}
