import {
  type Batch,
  Duration,
  describeUdf,
  EdgeType,
  formatDescription,
  OnBatch,
  OnPoint,
  Option,
  type Point,
  State,
  toInfoResponse,
  Udf,
  ValueType,
} from './helpers/udf-test-kit';

@Udf({ wants: 'stream', provides: 'stream', name: 'movingAvg', description: 'Moving average of a field.' })
class MovingAvg {
  @Option({ type: 'string', required: true, description: 'The field to average.' })
  field!: string;

  @Option({ type: 'int', description: 'Points in the window.' })
  size = 10n;

  @Option({ type: 'string', name: 'as' })
  asName = 'avg';

  @State() window: number[] = [];

  @OnPoint() p(p: Point) {
    return p;
  }
}

@Udf({ wants: 'batch', provides: 'batch' })
class EveryShape {
  @Option({ types: ['string', 'double'] }) scaled: [string, number] = ['value', 2];
  @Option({ flag: true }) enabled = false;
  @Option({ type: 'int', int: 'number' }) count = 3;
  @Option({ type: 'duration' }) period = Duration.seconds(90);
  @Option({ type: 'string', repeatable: true }) tag: string[] = [];
  @Option({ type: 'bool' }) strict = true;
  @Option({ type: 'double' }) ratio = 0.5;
  @Option({ type: 'double' }) noDefault?: number;

  @OnBatch() b(batch: Batch) {
    return batch;
  }
}

describe('toInfoResponse', () => {
  it('lists edges and options with their value types', () => {
    expect(toInfoResponse(MovingAvg)).toEqual({
      wants: EdgeType.STREAM,
      provides: EdgeType.STREAM,
      options: {
        field: { valueTypes: [ValueType.STRING] },
        size: { valueTypes: [ValueType.INT] },
        as: { valueTypes: [ValueType.STRING] },
      },
    });
  });

  it('gives a flag empty valueTypes and a tuple all its types', () => {
    expect(toInfoResponse(EveryShape)).toEqual({
      wants: EdgeType.BATCH,
      provides: EdgeType.BATCH,
      options: {
        scaled: { valueTypes: [ValueType.STRING, ValueType.DOUBLE] },
        enabled: { valueTypes: [] },
        count: { valueTypes: [ValueType.INT] },
        period: { valueTypes: [ValueType.DURATION] },
        tag: { valueTypes: [ValueType.STRING] },
        strict: { valueTypes: [ValueType.BOOL] },
        ratio: { valueTypes: [ValueType.DOUBLE] },
        noDefault: { valueTypes: [ValueType.DOUBLE] },
      },
    });
  });
});

describe('describeUdf / formatDescription', () => {
  it('describes options with types, defaults and descriptions, and a usage example', () => {
    const d = describeUdf(MovingAvg);
    expect(d).toMatchObject({
      name: 'movingAvg',
      className: 'MovingAvg',
      description: 'Moving average of a field.',
      wants: 'stream',
      provides: 'stream',
      stateVersion: 1,
      state: ['window'],
      example: "@movingAvg().field('value').size(10).as('avg')",
    });
    expect(d.options.map((o) => [o.name, o.property, o.required, o.default, o.description])).toEqual([
      ['field', 'field', true, undefined, 'The field to average.'],
      ['size', 'size', false, '10', 'Points in the window.'],
      ['as', 'asName', false, "'avg'", undefined],
    ]);
    expect(formatDescription(MovingAvg)).toBe(
      [
        'movingAvg - Moving average of a field.',
        '  class MovingAvg; wants stream, provides stream',
        '',
        'Options:',
        '  .field(string)  required',
        '                  The field to average.',
        '  .size(int)      default 10',
        '                  Points in the window.',
        "  .as(string)     default 'avg', property asName",
        '',
        'State (snapshot version 1): window',
        '',
        'Example:',
        "  @movingAvg().field('value').size(10).as('avg')",
        '',
      ].join('\n'),
    );
  });

  it('prints every default readably (bigint, number, Duration, tuple, flag, arrays)', () => {
    const d = describeUdf(EveryShape);
    expect(d.name).toBe('EveryShape');
    expect(Object.fromEntries(d.options.map((o) => [o.name, o.default]))).toEqual({
      scaled: "('value', 2.0)",
      enabled: 'FALSE',
      count: '3',
      period: '90s',
      tag: '[]',
      strict: 'TRUE',
      ratio: '0.5',
      noDefault: undefined,
    });
    expect(d.example).toBe(
      "@EveryShape().scaled('value', 2.0).enabled().count(3).period(90s).tag('value').strict(TRUE).ratio(0.5).noDefault(1.0)",
    );
    const text = formatDescription(d);
    expect(text).toContain("  .scaled(string, double)  default ('value', 2.0)\n");
    expect(text).toContain('  .enabled()               flag, default FALSE\n');
    expect(text).toContain('  .count(int)              int as number, default 3\n');
    expect(text).toContain('  .tag(string)             repeatable, default []\n');
    expect(text).toContain('  .noDefault(double)\n');
  });

  it('still describes a class whose constructor throws, without defaults', () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Fragile {
      @Option({ type: 'int' }) size = 10n;
      constructor() {
        throw new Error('needs a database');
      }
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const d = describeUdf(Fragile);
    expect(d.defaultsError).toBe('constructing Fragile failed: needs a database');
    expect(d.options[0].default).toBeUndefined();
    expect(d.example).toBe('@Fragile().size(10)');
    expect(formatDescription(d)).toContain('(defaults unknown: constructing Fragile failed: needs a database)');
  });
});
