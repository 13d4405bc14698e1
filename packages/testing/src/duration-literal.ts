import { parseDurationLiteral as parseNs } from '@kapacitor-udf/core/internal';
import { HarnessError } from './errors';

/**
 * Nanoseconds of a TICKscript duration literal: an integer and a unit,
 * `10s`, `5m`, `100ms`, `1h`, `1d`, `1w`, `10u` (also `10ns`), or a sequence
 * of them like `1h30m`.
 */
export function parseDurationLiteral(text: string): bigint {
  const ns = parseNs(text);
  if (ns === undefined) {
    throw new HarnessError(
      'ERR_OPTION_VALUE',
      `${JSON.stringify(text)} is not a TICKscript duration: write it like '10s', '5m', '100ms' or '1h30m', or give bigint nanoseconds`,
    );
  }
  return ns;
}
