import { Duration } from '@kapacitor-udf/decorators';

describe('Duration', () => {
  it('builds from units exactly, in nanoseconds', () => {
    expect(Duration.nanoseconds(5n).ns).toBe(5n);
    expect(Duration.microseconds(3).ns).toBe(3_000n);
    expect(Duration.milliseconds(500).ns).toBe(500_000_000n);
    expect(Duration.seconds(90).ns).toBe(90_000_000_000n);
    expect(Duration.minutes(2n).ns).toBe(120_000_000_000n);
    expect(Duration.hours(1).ns).toBe(3_600_000_000_000n);
    expect(Duration.seconds(1.5).ns).toBe(1_500_000_000n);
    // bigint input stays exact beyond 2^53 ns
    expect(Duration.nanoseconds(9_007_199_254_740_993n).ns).toBe(9_007_199_254_740_993n);
  });

  it('rejects non-finite numbers', () => {
    expect(() => Duration.seconds(Number.NaN)).toThrow(RangeError);
    expect(() => Duration.milliseconds(Infinity)).toThrow(/finite/);
  });

  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_500n, '1.5µs'],
    [500_000_000n, '500ms'],
    [1_250_000n, '1.25ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'],
    [60_000_000_000n, '1m0s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_000_000_000n, '1h2m3s'],
    [-90_000_000_000n, '-1m30s'],
  ])('formats %p ns like Go as %p', (ns, text) => {
    expect(Duration.nanoseconds(ns).toString()).toBe(text);
    expect(`${Duration.nanoseconds(ns)}`).toBe(text);
  });

  it.each([
    [0n, '0s'],
    [90_000_000_000n, '90s'],
    [300_000_000_000n, '5m'],
    [3_600_000_000_000n, '1h'],
    [86_400_000_000_000n, '1d'],
    [604_800_000_000_000n, '1w'],
    [500_000_000n, '500ms'],
    [10_000n, '10u'],
    [1_500n, '1.5µs'],
  ])('writes %p ns as the TICKscript literal %p', (ns, literal) => {
    expect(Duration.nanoseconds(ns).toTickscript()).toBe(literal);
  });

  it('converts to milliseconds and seconds', () => {
    expect(Duration.seconds(90).toMilliseconds()).toBe(90_000);
    expect(Duration.microseconds(1500).toMilliseconds()).toBe(1.5);
    expect(Duration.milliseconds(1500).toSeconds()).toBe(1.5);
  });

  it('compares with equals/compare and never coerces to a number', () => {
    const a = Duration.seconds(1);
    const b = Duration.milliseconds(1000);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(Duration.seconds(2))).toBe(false);
    expect(a.compare(Duration.seconds(2))).toBe(-1);
    expect(Duration.seconds(2).compare(a)).toBe(1);
    expect(a.compare(b)).toBe(0);
    expect(() => +a).toThrow(/cannot be used as a number/);
    expect(() => (a as unknown as number) < (b as unknown as number)).toThrow(TypeError);
    expect(JSON.stringify({ d: a })).toBe('{"d":"1s"}');
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('recognises durations structurally via isDuration', () => {
    expect(Duration.isDuration(Duration.seconds(1))).toBe(true);
    expect(Duration.isDuration({ ns: 1n })).toBe(false);
    expect(Duration.isDuration(1n)).toBe(false);
  });
});
