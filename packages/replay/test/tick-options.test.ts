import { ValueType } from '@kapacitor-udf/core';
import { optionsFromPairs, parseTickOptions } from '../src';

const v = (type: ValueType, $case: string, value: unknown) => ({ type, value: { $case, value } });

describe('parseTickOptions (TICKscript literal types, as pipeline/udf.go sends them)', () => {
  it('types each literal by its syntax', () => {
    expect(
      parseTickOptions(".field('usage_idle').size(10).scale(1.5).on(TRUE).period(10s).tiny(-5ms).raw('''a\\b''').q('it\\'s').flag()"),
    ).toEqual([
      { name: 'field', values: [v(ValueType.STRING, 'stringValue', 'usage_idle')] },
      { name: 'size', values: [v(ValueType.INT, 'intValue', 10n)] },
      { name: 'scale', values: [v(ValueType.DOUBLE, 'doubleValue', 1.5)] },
      { name: 'on', values: [v(ValueType.BOOL, 'boolValue', true)] },
      { name: 'period', values: [v(ValueType.DURATION, 'durationValue', 10_000_000_000n)] },
      { name: 'tiny', values: [v(ValueType.DURATION, 'durationValue', -5_000_000n)] },
      { name: 'raw', values: [v(ValueType.STRING, 'stringValue', 'a\\b')] },
      { name: 'q', values: [v(ValueType.STRING, 'stringValue', "it's")] },
      { name: 'flag', values: [] },
    ]);
    expect(parseTickOptions(" .field( 'x' , 2.0 ) ")).toEqual([
      { name: 'field', values: [v(ValueType.STRING, 'stringValue', 'x'), v(ValueType.DOUBLE, 'doubleValue', 2)] },
    ]);
  });

  it.each([
    ['field(1)', /expected "." before an option name/],
    ['.field("x")', /field reference/],
    ['.size(1.5s)', /whole number and a unit/],
    [".field('x'", /expected "," or "\)"/],
    [".field('x)", /unterminated string/],
    ['.size(99999999999999999999)', /does not fit in an int/],
  ])('rejects %j', (text, message) => {
    expect(() => parseTickOptions(text)).toThrow(message);
  });
});

describe('optionsFromPairs (typed by the declared options)', () => {
  const declared = {
    size: { valueTypes: [ValueType.INT] },
    scale: { valueTypes: [ValueType.DOUBLE] },
    period: { valueTypes: [ValueType.DURATION] },
    on: { valueTypes: [ValueType.BOOL] },
    field: { valueTypes: [ValueType.STRING, ValueType.DOUBLE] },
    flag: { valueTypes: [] },
  };
  it('reads each value as its declared type, several comma-separated, a bare name as a flag', () => {
    expect(optionsFromPairs(['size=10', 'scale=2', 'period=1m', 'on=true', 'field=a,1.5', 'flag'], declared)).toEqual([
      { name: 'size', values: [v(ValueType.INT, 'intValue', 10n)] },
      { name: 'scale', values: [v(ValueType.DOUBLE, 'doubleValue', 2)] },
      { name: 'period', values: [v(ValueType.DURATION, 'durationValue', 60_000_000_000n)] },
      { name: 'on', values: [v(ValueType.BOOL, 'boolValue', true)] },
      { name: 'field', values: [v(ValueType.STRING, 'stringValue', 'a'), v(ValueType.DOUBLE, 'doubleValue', 1.5)] },
      { name: 'flag', values: [] },
    ]);
  });
  it('sends what does not read as the declared type (or an unknown name) as a string, for the UDF to name', () => {
    expect(optionsFromPairs(['size=ten', 'nope=1'], declared)).toEqual([
      { name: 'size', values: [v(ValueType.STRING, 'stringValue', 'ten')] },
      { name: 'nope', values: [v(ValueType.STRING, 'stringValue', '1')] },
    ]);
    expect(() => optionsFromPairs(['=1'], declared)).toThrow(/write name=value/);
  });
});
