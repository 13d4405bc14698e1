import type { FlagOptionConfig, InferredOptionConfig, OptionConfig, SingleOptionConfig, TupleOptionConfig } from './definition';
import { declareMember } from './member';
import type { OptionDecorator } from './option-type';
import { recordValidators } from './validate-with';

type AllowedKeys<C> = C extends { flag: unknown }
  ? keyof FlagOptionConfig
  : C extends { types: unknown }
    ? keyof TupleOptionConfig
    : C extends { type: unknown }
      ? keyof SingleOptionConfig
      : keyof InferredOptionConfig;

/**
 * A misspelt setting, or one the option's shape does not take (`int` on a
 * flag), is a compile error; `Option` being generic would otherwise accept it.
 */
type NoExtraKeys<C> = { [K in Exclude<keyof C, AllowedKeys<C>>]: never };

/**
 * Marks a property as a UDF option that TICKscript sets, e.g.
 * `@Option({ type: 'int' }) size = 10n;` for `.size(10)`.
 * The property initializer is the default. The settings are checked when the
 * class is decorated with `@Udf` (so a mistake fails at load time).
 *
 * The property must have the type the option delivers (`bigint` for an int,
 * `number` with `int: 'number'` or for a double, a tuple for `types`, an
 * array when `repeatable`; `undefined` allowed when not `required`): the
 * compiler checks it in both decorator modes.
 *
 * Without a type (`@Option()`), the type comes from the property's declared
 * type (`string`, `boolean`, `bigint`, `Duration`): this needs
 * `experimentalDecorators`, `emitDecoratorMetadata` and reflect-metadata.
 */
export function Option<const C extends OptionConfig = {}>(config?: C & NoExtraKeys<C>): OptionDecorator<C> {
  // Copy now so later mutation of the caller's object cannot change the declaration.
  const copy = (
    typeof config === 'object' && config !== null
      ? {
          ...config,
          ...('types' in config && Array.isArray(config.types) ? { types: [...config.types] } : {}),
          ...(Array.isArray(config.validate) ? { validate: [...config.validate] } : {}),
        }
      : config
  ) as OptionConfig;
  return function optionDecorator(...args: unknown[]): void {
    declareMember('@Option', 'property', args, (declared, property) => {
      declared.options.push({ property, config: copy });
      const validate = (copy as { validate?: unknown } | null)?.validate;
      // A non-array `validate` is reported by the option checks in @Udf.
      if (Array.isArray(validate)) recordValidators('@Option', declared, property, validate);
    });
  } as OptionDecorator<C>;
}
