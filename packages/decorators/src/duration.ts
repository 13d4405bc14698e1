/**
 * A length of time in nanoseconds, exactly as TICKscript sends DURATION option
 * values (int64 ns). It is a small immutable value type: it never turns into a
 * number by accident (comparisons like `a < b` throw instead of comparing
 * strings or losing precision) — use `.ns` or `.compare()`.
 */

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_M = 60n * NS_PER_S;
const NS_PER_H = 60n * NS_PER_M;
const NS_PER_D = 24n * NS_PER_H;
const NS_PER_W = 7n * NS_PER_D;

/** Brand shared by every copy of this package, so durations are recognised across copies. */
const DURATION_BRAND = Symbol.for('kapacitor-udf.duration');

/** TICKscript duration literal units, largest first (a literal is an integer and one unit). */
const TICK_UNITS: ReadonlyArray<readonly [bigint, string]> = [
  [NS_PER_W, 'w'],
  [NS_PER_D, 'd'],
  [NS_PER_H, 'h'],
  [NS_PER_M, 'm'],
  [NS_PER_S, 's'],
  [NS_PER_MS, 'ms'],
  [NS_PER_US, 'u'],
];

function scaled(n: bigint | number, unitNs: bigint, what: string): bigint {
  if (typeof n === 'bigint') return n * unitNs;
  if (!Number.isFinite(n)) throw new RangeError(`Duration.${what}(${n}): give a finite number`);
  if (Number.isInteger(n)) return BigInt(n) * unitNs;
  // Fractions (e.g. seconds(1.5)) are rounded to the nearest nanosecond.
  return BigInt(Math.round(n * Number(unitNs)));
}

/** `.` + digits of `frac` (of `width` digits) without trailing zeros, or '' when zero. */
function fraction(frac: bigint, width: number): string {
  if (frac === 0n) return '';
  return `.${frac.toString().padStart(width, '0').replace(/0+$/, '')}`;
}

export class Duration {
  /** The length in nanoseconds (int64 semantics, may be negative). */
  readonly ns: bigint;

  private constructor(ns: bigint) {
    this.ns = ns;
    Object.freeze(this);
  }

  static nanoseconds(n: bigint | number): Duration {
    return new Duration(scaled(n, 1n, 'nanoseconds'));
  }
  static microseconds(n: bigint | number): Duration {
    return new Duration(scaled(n, NS_PER_US, 'microseconds'));
  }
  static milliseconds(n: bigint | number): Duration {
    return new Duration(scaled(n, NS_PER_MS, 'milliseconds'));
  }
  static seconds(n: bigint | number): Duration {
    return new Duration(scaled(n, NS_PER_S, 'seconds'));
  }
  static minutes(n: bigint | number): Duration {
    return new Duration(scaled(n, NS_PER_M, 'minutes'));
  }
  static hours(n: bigint | number): Duration {
    return new Duration(scaled(n, NS_PER_H, 'hours'));
  }

  /** True for a Duration from any copy of this package. */
  static isDuration(value: unknown): value is Duration {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[DURATION_BRAND] === true &&
      typeof (value as { ns?: unknown }).ns === 'bigint'
    );
  }

  /** Milliseconds as a number (may have a fraction), e.g. for `setTimeout`/`setInterval`. */
  toMilliseconds(): number {
    // Split to keep precision for large values: whole ms are exact up to 2^53 ms.
    return Number(this.ns / NS_PER_MS) + Number(this.ns % NS_PER_MS) / 1e6;
  }

  /** Seconds as a number (may have a fraction). */
  toSeconds(): number {
    return Number(this.ns / NS_PER_S) + Number(this.ns % NS_PER_S) / 1e9;
  }

  equals(other: Duration): boolean {
    return Duration.isDuration(other) && other.ns === this.ns;
  }

  /** -1, 0 or 1, for sorting and comparisons. */
  compare(other: Duration): -1 | 0 | 1 {
    return this.ns < other.ns ? -1 : this.ns > other.ns ? 1 : 0;
  }

  /**
   * Formatted like Go's time.Duration (what Kapacitor prints in its logs):
   * `0s`, `500ms`, `1.5µs`, `1m30s`, `1h0m0s`.
   */
  toString(): string {
    if (this.ns === 0n) return '0s';
    const sign = this.ns < 0n ? '-' : '';
    const u = this.ns < 0n ? -this.ns : this.ns;
    if (u < NS_PER_US) return `${sign}${u}ns`;
    if (u < NS_PER_MS) return `${sign}${u / NS_PER_US}${fraction(u % NS_PER_US, 3)}µs`;
    if (u < NS_PER_S) return `${sign}${u / NS_PER_MS}${fraction(u % NS_PER_MS, 6)}ms`;
    const totalSeconds = u / NS_PER_S;
    let text = `${totalSeconds % 60n}${fraction(u % NS_PER_S, 9)}s`;
    if (totalSeconds >= 60n) {
      const totalMinutes = totalSeconds / 60n;
      text = `${totalMinutes % 60n}m${text}`;
      if (totalMinutes >= 60n) text = `${totalMinutes / 60n}h${text}`;
    }
    return sign + text;
  }

  /**
   * A TICKscript duration literal (an integer and one unit: `90s`, `5m`, `1h`,
   * `500ms`, `10u`). Durations that are not a whole number of microseconds have
   * no TICKscript literal; they are written like {@link toString}.
   */
  toTickscript(): string {
    if (this.ns === 0n) return '0s';
    for (const [unitNs, unit] of TICK_UNITS) {
      if (this.ns % unitNs === 0n) return `${this.ns / unitNs}${unit}`;
    }
    return this.toString();
  }

  toJSON(): string {
    return this.toString();
  }

  /**
   * Template literals and `String(d)` give the Go-style text; numeric
   * coercion (`+d`, `d < e`, `d * 2`) throws, because it would silently compare
   * strings or lose nanosecond precision.
   */
  [Symbol.toPrimitive](hint: 'string' | 'number' | 'default'): string {
    if (hint === 'number') {
      throw new TypeError(
        `Duration ${this.toString()} cannot be used as a number: use .ns (bigint nanoseconds), .toMilliseconds() or .compare()`,
      );
    }
    return this.toString();
  }
}

Object.defineProperty(Duration.prototype, DURATION_BRAND, { value: true });
