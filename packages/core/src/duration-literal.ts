/**
 * Nanoseconds per unit of a duration as TICKscript and udf-run write it
 * (`10s`, `500ms`, `1h`); `ns`, `us` and `µs` are accepted besides Kapacitor's
 * own `u`/`µ` so a Go-style duration reads too. The one table of these units:
 * the replay's TICKscript option lexer, udf-run's `--batch` and the testing
 * kit use it (here in core because every one of them loads core anyway).
 */
export const DURATION_UNIT_NS: Readonly<Record<string, bigint>> = {
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
 * Nanoseconds of a duration literal: whole numbers with units, one or a
 * sequence (`10s`, `1h30m`), optionally negative; undefined when `text` is
 * not one (the caller words the error for its own input).
 */
export function parseDurationLiteral(text: string): bigint | undefined {
  const parts = /^(-?)((?:\d+(?:ns|us|µs|u|µ|ms|s|m|h|d|w))+)$/.exec(text.trim());
  if (parts === null) return undefined;
  let total = 0n;
  for (const [, digits, unit] of parts[2].matchAll(/(\d+)(ns|us|µs|u|µ|ms|s|m|h|d|w)/g)) {
    total += BigInt(digits) * DURATION_UNIT_NS[unit];
  }
  return parts[1] === '-' ? -total : total;
}
