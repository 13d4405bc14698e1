/**
 * `@ValidateWith(Min(1), Max(10))`: class-validator in both decorator modes.
 *
 * class-validator's decorators are legacy property decorators: they read
 * `target.constructor` from their first argument. Under TC39 decorators a
 * field decorator gets `(undefined, context)` instead, so `@Min(1)` written on
 * the property throws a TypeError while the class is being defined (and tsc
 * reports TS1240). This decorator only records the class-validator decorators
 * it is given; `@Udf` later calls each with `(prototype, property)`, which is
 * exactly the call they expect, whatever mode the class was compiled in.
 */
import { describeError } from '@kapacitor-udf/core/internal';
import type { PropertyValidator } from './definition';
import { UdfDefinitionError } from './errors';
import { declareMember, type PropertyDecorator } from './member';
import type { ChainLink, DeclaredMembers } from './metadata';

/**
 * Checks that `validators` are decorators (functions) and records them for
 * `property`; `decorator` names the caller in messages.
 */
export function recordValidators(decorator: string, declared: DeclaredMembers, property: string, validators: readonly unknown[]): void {
  validators.forEach((validator, i) => {
    if (typeof validator !== 'function') {
      throw new UdfDefinitionError(
        'ERR_OPTION_INVALID',
        `${decorator} on ${property}: validator ${i + 1} is ${validator === null ? 'null' : typeof validator}, not a decorator; pass class-validator decorators called with their arguments, e.g. Min(1)`,
      );
    }
  });
  if (validators.length === 0) return;
  // Records written by an older copy of this package have no list yet.
  const list = declared.validators ?? ((declared as { validators?: unknown }).validators = []);
  (list as Array<{ property: string; validators: readonly PropertyValidator[] }>).push({
    property,
    validators: [...(validators as PropertyValidator[])],
  });
}

/**
 * Validates a property with class-validator decorators at Init, in both
 * decorator modes: `@ValidateWith(Min(1), Max(10)) @Option({ type: 'int', int: 'number' }) size = 5;`
 * Failures are reported like the framework's own option checks.
 */
export function ValidateWith(...validators: PropertyValidator[]): PropertyDecorator {
  const copy: readonly unknown[] = [...validators];
  return function validateWithDecorator(...args: unknown[]): void {
    declareMember('@ValidateWith', 'property', args, (declared, property) => {
      recordValidators('@ValidateWith', declared, property, copy);
    });
  } as PropertyDecorator;
}

/**
 * Applies the recorded class-validator decorators of the class and its bases
 * to each declaring class's prototype (where legacy decorators would have put
 * them; class-validator then also checks them on subclasses). Each class is
 * done once, however many UDF classes extend it.
 */
export function applyRecordedValidators(chain: readonly ChainLink[]): void {
  for (const { cls, className, record, declared } of chain) {
    if (record.validatorsApplied === true) continue;
    for (const { property, validators } of declared.validators ?? []) {
      for (const validator of validators) {
        let returned: unknown;
        try {
          returned = validator(cls.prototype as object, property);
        } catch (error) {
          throw new UdfDefinitionError(
            'ERR_OPTION_INVALID',
            `validator on ${className}.${property} failed when applied: ${describeError(error)}; pass class-validator property decorators such as Min(1)`,
          );
        }
        if (typeof returned === 'function') {
          // A decorator factory given uncalled (`Min` instead of `Min(1)`) returns
          // a decorator instead of registering one: the check would silently vanish.
          const factory = validator.name || 'Min';
          throw new UdfDefinitionError(
            'ERR_OPTION_INVALID',
            `validator on ${className}.${property} returned a function: ${factory} is a decorator factory; call it with its arguments, e.g. ${factory}(1)`,
          );
        }
      }
    }
    record.validatorsApplied = true;
  }
}
