const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Nanoseconds since the epoch of an RFC 3339 time with up to nine fraction
 * digits, as Go's time.Time marshals to JSON (RFC3339Nano: `Z` for UTC,
 * trailing zeros of the fraction dropped). undefined when `text` is not one.
 */
export function parseRfc3339Nano(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, z, sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999 (Go's zero time is year 1).
  date.setUTCFullYear(Number(y), month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let ns = BigInt(date.getTime()) * 1_000_000n;
  if (fraction !== undefined) ns += BigInt(fraction.padEnd(9, '0'));
  if (z === undefined) {
    const offset = (BigInt(Number(oh) * 60 + Number(om)) * 60_000_000_000n) as bigint;
    ns = sign === '+' ? ns - offset : ns + offset;
  }
  return ns;
}

/** RFC 3339 with nanoseconds, UTC, trailing fraction zeros dropped: Go's time.RFC3339Nano for a UTC time. */
export function formatRfc3339Nano(ns: bigint): string {
  let ms = ns / 1_000_000n;
  let rest = ns % 1_000_000n;
  if (rest < 0n) {
    rest += 1_000_000n;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  const iso = date.toISOString(); // 2006-01-02T15:04:05.000Z (years 0-9999)
  const subSecond = BigInt(date.getUTCMilliseconds()) * 1_000_000n + rest;
  const fraction = subSecond === 0n ? '' : `.${subSecond.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 19)}${fraction}Z`;
}
