import { HarnessError } from './errors';

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/**
 * Nanoseconds of a TICKscript duration literal: an integer and a unit,
 * `10s`, `5m`, `100ms`, `1h`, `1d`, `1w`, `10u` (also `10ns`), or a sequence
 * of them like `1h30m`.
 */
export function parseDurationLiteral(text: string): bigint {
  const parts = /^(-?)((?:\d+(?:ns|us|µs|u|µ|ms|s|m|h|d|w))+)$/.exec(text.trim());
  if (parts === null) {
    throw new HarnessError(
      'ERR_OPTION_VALUE',
      `${JSON.stringify(text)} is not a TICKscript duration: write it like '10s', '5m', '100ms' or '1h30m', or give bigint nanoseconds`,
    );
  }
  let total = 0n;
  for (const [, digits, unit] of parts[2].matchAll(/(\d+)(ns|us|µs|u|µ|ms|s|m|h|d|w)/g)) {
    total += BigInt(digits) * UNIT_NS[unit];
  }
  return parts[1] === '-' ? -total : total;
}
