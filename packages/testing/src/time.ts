import { HarnessError } from './errors';

const NS_PER_MS = 1_000_000n;

/** A time as the protocol carries it: bigint nanoseconds since the Unix epoch. */
export type TimeInput = bigint | Date | string;

/** Nanoseconds since the epoch of a Date (which has millisecond precision). */
export function fromDate(date: Date): bigint {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new HarnessError('ERR_INVALID_TIME', 'fromDate(): the Date is invalid');
  return BigInt(ms) * NS_PER_MS;
}

// An RFC 3339 time with up to nanosecond fraction digits, e.g. 2024-01-01T00:00:00.123456789Z.
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Nanoseconds since the epoch: a bigint is taken as is, a Date converted, and
 * an ISO / RFC 3339 string parsed keeping up to nine fraction digits (Date
 * alone would drop everything below milliseconds).
 */
export function ns(value: TimeInput): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return fromDate(value);
  if (typeof value === 'string') {
    const m = RFC3339.exec(value);
    if (m === null) {
      throw new HarnessError(
        'ERR_INVALID_TIME',
        `ns(${JSON.stringify(value)}): give an RFC 3339 time such as '2024-01-01T00:00:00Z' or '2024-01-01T00:00:00.5+02:00'`,
      );
    }
    const whole = fromDate(new Date(`${m[1]}${m[3]}`));
    const fraction = m[2] === undefined ? 0n : BigInt(m[2].padEnd(9, '0'));
    return whole + fraction;
  }
  throw new HarnessError('ERR_INVALID_TIME', `expected a bigint (ns), a Date or an ISO string, got ${typeof value}`);
}

/** The same as {@link ns}: `time('2024-01-01T00:00:00Z')` reads well in tests. */
export const time = ns;
