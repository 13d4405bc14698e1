import { ValueType } from '@kapacitor-udf/core';
import { getUdfDefinition, OnInit, OnPoint, Option, type Point, State, toInfoResponse, Udf } from '@kapacitor-udf/decorators';
import { converse, init, makePoint, opt, point } from './helpers/conversation';

/** A reusable base that is not itself a UDF: its options and handlers are inherited. */
abstract class FieldUdf {
  @Option({ type: 'string', description: 'Field to read.' }) field = 'value';
  // @ts-expect-error this option delivers a bigint; the property is wider because Scale redeclares it with int: 'number'
  @Option({ type: 'int' }) size: bigint | number = 10n;
  @State() processed = 0;
  initialized = '';

  @OnInit() start() {
    this.initialized = `base:${this.field}`;
  }

  @OnPoint() handle(p: Point) {
    this.processed++;
    return this.transform(p.fieldsDouble[this.field] ?? 0, p);
  }

  abstract transform(value: number, p: Point): Point;
}

@Udf({ wants: 'stream', provides: 'stream', name: 'scale' })
class Scale extends FieldUdf {
  @Option({ type: 'double' }) factor = 2.0;
  // Redeclared: overrides the base option (new type, new default).
  @Option({ type: 'int', int: 'number' }) override size = 5;

  transform(value: number, p: Point) {
    return makePoint({ time: p.time, fieldsDouble: { [this.field]: value * this.factor }, fieldsString: { init: this.initialized } });
  }
}

@Udf({ wants: 'stream', provides: 'stream', name: 'offset' })
class Offset extends Scale {
  @Option({ type: 'double', name: 'by' }) amount = 1.0;

  // Overrides @OnInit with another method: the base's start() is no longer the handler.
  @OnInit() begin() {
    this.initialized = `offset:${this.field}`;
  }

  // Overriding the decorated method without a decorator keeps it the handler (virtual dispatch).
  override handle(p: Point) {
    const out = super.handle(p);
    out.fieldsDouble[this.field] += this.amount;
    return out;
  }
}

describe('inheritance', () => {
  it('a UDF inherits options, handlers and state from an undecorated base, and may override options', () => {
    const definition = getUdfDefinition(Scale);
    expect(definition.options.map((o) => [o.name, o.valueTypes, o.int, o.declaredIn])).toEqual([
      ['field', ['string'], 'bigint', 'FieldUdf'],
      ['size', ['int'], 'number', 'Scale'],
      ['factor', ['double'], 'bigint', 'Scale'],
    ]);
    expect(definition.handlers).toEqual({ init: 'start', point: 'handle' });
    expect(definition.state).toEqual(['processed']);
    expect(toInfoResponse(Scale).options).toEqual({
      field: { valueTypes: [ValueType.STRING] },
      size: { valueTypes: [ValueType.INT] },
      factor: { valueTypes: [ValueType.DOUBLE] },
    });
  });

  it('runs inherited handlers with the subclass options', async () => {
    const responses = await converse(Scale, init([opt('field', 'v'), opt('factor', 3.0)]), point({ fieldsDouble: { v: 2 } }));
    expect(responses[0].value).toEqual({ success: true, error: '' });
    expect(responses[1].value).toEqual(makePoint({ fieldsDouble: { v: 6 }, fieldsString: { init: 'base:v' } }));
  });

  it('a UDF subclass of a UDF adds options and overrides handlers; the base is unchanged', async () => {
    expect(getUdfDefinition(Offset).handlers).toEqual({ init: 'begin', point: 'handle' });
    expect(getUdfDefinition(Offset).options.map((o) => o.name)).toEqual(['field', 'size', 'factor', 'by']);
    expect(getUdfDefinition(Scale).options.map((o) => o.name)).toEqual(['field', 'size', 'factor']);
    expect(getUdfDefinition(Scale).name).toBe('scale');
    expect(getUdfDefinition(Offset).name).toBe('offset');

    const responses = await converse(Offset, init([opt('by', 0.5)]), point({ fieldsDouble: { value: 2 } }));
    expect(responses[1].value).toEqual(makePoint({ fieldsDouble: { value: 4.5 }, fieldsString: { init: 'offset:value' } }));

    const base = await converse(Scale, init([opt('by', 0.5)]));
    expect((base[0].value as { error: string }).error).toBe("unknown option 'by': the options of scale are field, size, factor");
  });
});
