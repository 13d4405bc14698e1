import type { OptionConfig } from './definition';
import { declareMember, type PropertyDecorator } from './member';
import { recordValidators } from './validate-with';

/**
 * Marks a property as a UDF option that TICKscript sets, e.g.
 * `@Option({ type: 'int' }) size = 10n;` for `.size(10)`.
 * The property initializer is the default. The settings are checked when the
 * class is decorated with `@Udf` (so a mistake fails at load time).
 */
export function Option(config: OptionConfig): PropertyDecorator {
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
  } as PropertyDecorator;
}
