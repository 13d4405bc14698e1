/**
 * Bounds for `int` options delivered as `bigint` (the default). class-validator's
 * `Min`, `Max`, `IsPositive`... test `typeof value === 'number'`, so on a
 * bigint they fail for every value; these compare bigints exactly (all of
 * int64, no rounding). They are class-validator decorators: give them to
 * `@Option({ validate: [...] })` or `@ValidateWith(...)` (both decorator modes),
 * or write them on the property under `experimentalDecorators`.
 */
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/** class-validator's name of each validator, as its errors and metadata carry it. */
const MIN_BIGINT = 'minBigInt';
const MAX_BIGINT = 'maxBigInt';

function checkBound(decorator: string, bound: unknown): void {
  if (typeof bound !== 'bigint') {
    throw new TypeError(`${decorator} takes a bigint bound, e.g. ${decorator}(1n); got ${typeof bound} ${String(bound)}`);
  }
}

/** The value is a bigint greater than or equal to `min`: `@Option({ type: 'int', validate: [MinBigInt(1n)] }) window = 10n;` */
export function MinBigInt(min: bigint, validationOptions?: ValidationOptions): PropertyDecorator {
  checkBound('MinBigInt', min);
  return ValidateBy(
    {
      name: MIN_BIGINT,
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'bigint' && value >= min,
        defaultMessage: buildMessage((each) => `${each}$property must not be less than $constraint1`, validationOptions),
      },
    },
    validationOptions,
  );
}

/** The value is a bigint less than or equal to `max`: `@Option({ type: 'int', validate: [MaxBigInt(100n)] }) window = 10n;` */
export function MaxBigInt(max: bigint, validationOptions?: ValidationOptions): PropertyDecorator {
  checkBound('MaxBigInt', max);
  return ValidateBy(
    {
      name: MAX_BIGINT,
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'bigint' && value <= max,
        defaultMessage: buildMessage((each) => `${each}$property must not be greater than $constraint1`, validationOptions),
      },
    },
    validationOptions,
  );
}
