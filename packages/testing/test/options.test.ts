import { type InfoResponse, ValueType } from '@kapacitor-udf/core';
import { Duration } from '@kapacitor-udf/decorators';
import { parseDurationLiteral, raw, toInitOptions } from '../src';

const declared: InfoResponse['options'] = {
  field: { valueTypes: [ValueType.STRING, ValueType.DOUBLE] },
  size: { valueTypes: [ValueType.INT] },
  scale: { valueTypes: [ValueType.DOUBLE] },
  as: { valueTypes: [ValueType.STRING] },
  period: { valueTypes: [ValueType.DURATION] },
  on: { valueTypes: [ValueType.BOOL] },
  enabled: { valueTypes: [] },
};

describe('toInitOptions()', () => {
  it('types values by the declared types, in script order', () => {
    expect(toInitOptions({ field: ['x', 42], size: 10n, scale: 2, as: 'mean', on: false }, declared)).toEqual([
      raw.option('field', raw.string('x'), raw.double(42)),
      raw.option('size', raw.int(10n)),
      raw.option('scale', raw.double(2)),
      raw.option('as', raw.string('mean')),
      raw.option('on', raw.bool(false)),
    ]);
  });

  it('accepts a safe integer number for an int option', () => {
    expect(toInitOptions({ size: 10 }, declared)).toEqual([raw.option('size', raw.int(10n))]);
    expect(() => toInitOptions({ size: 1.5 }, declared)).toThrow(/size: 1.5 is not an int: give a whole number, e\.g\. 10 or 10n \(/);
    expect(() => toInitOptions({ size: 2 ** 60 }, declared)).toThrow(
      /size: 1152921504606847000 is not an int: .*not exact.*give a bigint, e\.g\. 1152921504606846976n/,
    );
  });

  it('takes durations as literals, Durations or bigint nanoseconds', () => {
    expect(toInitOptions({ period: '10s' }, declared)).toEqual([raw.option('period', raw.duration(10_000_000_000n))]);
    expect(toInitOptions({ period: Duration.minutes(5) }, declared)).toEqual([raw.option('period', raw.duration(300_000_000_000n))]);
    expect(toInitOptions({ period: 7n }, declared)).toEqual([raw.option('period', raw.duration(7n))]);
  });

  it('sends a flag set to true without values and leaves a false one out', () => {
    expect(toInitOptions({ enabled: true }, declared)).toEqual([raw.option('enabled')]);
    expect(toInitOptions({ enabled: false, size: undefined }, declared)).toEqual([]);
  });

  it('repeats an option given as an array of occurrences', () => {
    expect(
      toInitOptions(
        {
          field: [
            ['a', 1],
            ['b', 2],
          ],
          as: ['x', 'y'],
        },
        declared,
      ),
    ).toEqual([
      raw.option('field', raw.string('a'), raw.double(1)),
      raw.option('field', raw.string('b'), raw.double(2)),
      raw.option('as', raw.string('x')),
      raw.option('as', raw.string('y')),
    ]);
  });

  it('refuses what Kapacitor would refuse, saying what to do', () => {
    expect(() => toInitOptions({ nope: 1 }, declared)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
    expect(() => toInitOptions({ nope: 1 }, declared)).toThrow(/declares field, size/);
    expect(() => toInitOptions({ field: 'x' }, declared)).toThrow(/takes 2 values/);
    expect(() => toInitOptions({ field: ['x'] }, declared)).toThrow(/got 1/);
    expect(() => toInitOptions({ scale: 2n }, declared)).toThrow(/scale: 2n is not a double: give a number/);
    expect(() => toInitOptions({ as: 3 }, declared)).toThrow(expect.objectContaining({ code: 'ERR_OPTION_VALUE' }));
    expect(() => toInitOptions({ enabled: 'yes' }, declared)).toThrow(/flag/);
  });

  it('passes raw options through untouched', () => {
    const options = [raw.option('size', raw.double(10)), raw.option('what', raw.unset())];
    expect(toInitOptions(options, declared)).toEqual(options);
  });
});

describe('parseDurationLiteral()', () => {
  it('reads TICKscript duration literals', () => {
    expect(parseDurationLiteral('10s')).toBe(10_000_000_000n);
    expect(parseDurationLiteral('100ms')).toBe(100_000_000n);
    expect(parseDurationLiteral('5m')).toBe(300_000_000_000n);
    expect(parseDurationLiteral('1h30m')).toBe(5_400_000_000_000n);
    expect(parseDurationLiteral('2u')).toBe(2_000n);
    expect(parseDurationLiteral('1w')).toBe(604_800_000_000_000n);
    expect(parseDurationLiteral('-1d')).toBe(-86_400_000_000_000n);
  });

  it('refuses anything else', () => {
    expect(() => parseDurationLiteral('10')).toThrow(/TICKscript duration/);
    expect(() => parseDurationLiteral('1.5s')).toThrow(/TICKscript duration/);
  });
});
