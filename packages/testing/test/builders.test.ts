import { batch, fromDate, groupID, ns, point, time } from '../src';

describe('time helpers', () => {
  it('keeps nanoseconds of RFC 3339 strings that Date would drop', () => {
    expect(ns('2024-01-01T00:00:00Z')).toBe(1_704_067_200_000_000_000n);
    expect(ns('2024-01-01T00:00:00.123456789Z')).toBe(1_704_067_200_123_456_789n);
    expect(ns('2024-01-01T01:00:00.5+01:00')).toBe(1_704_067_200_500_000_000n);
    expect(time('1970-01-01T00:00:01Z')).toBe(1_000_000_000n);
  });

  it('converts Dates and passes bigints through', () => {
    expect(fromDate(new Date(1_700_000_000_123))).toBe(1_700_000_000_123_000_000n);
    expect(ns(new Date(0))).toBe(0n);
    expect(ns(42n)).toBe(42n);
  });

  it('refuses what it cannot read, saying what to write', () => {
    expect(() => ns('yesterday')).toThrow(/RFC 3339/);
    expect(() => ns('2024-01-01 00:00:00')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TIME' }));
    expect(() => fromDate(new Date('nope'))).toThrow(/invalid/);
  });
});

describe('point()', () => {
  it('has sensible defaults', () => {
    expect(point()).toEqual({
      time: 0n,
      name: 'test',
      database: '',
      retentionPolicy: '',
      group: '',
      dimensions: [],
      tags: {},
      fieldsDouble: {},
      fieldsInt: {},
      fieldsString: {},
      fieldsBool: {},
      byName: false,
    });
  });

  it('types fields by JavaScript type and computes the group like Kapacitor', () => {
    const p = point({
      name: 'cpu',
      time: '2024-01-01T00:00:00Z',
      tags: { host: 'a', dc: 'x' },
      dimensions: ['dc', 'host'],
      fields: { x: 1.5, n: 2n, s: 'a', b: true, whole: 2 },
    });
    expect(p.fieldsDouble).toEqual({ x: 1.5, whole: 2 });
    expect(p.fieldsInt).toEqual({ n: 2n });
    expect(p.fieldsString).toEqual({ s: 'a' });
    expect(p.fieldsBool).toEqual({ b: true });
    expect(p.group).toBe('dc=x,host=a');
    expect(p.time).toBe(1_704_067_200_000_000_000n);
  });

  it('keeps a __proto__ key an ordinary key', () => {
    const p = point({ tags: JSON.parse('{"__proto__":"x"}'), fields: JSON.parse('{"__proto__":1}') });
    expect(Object.keys(p.tags)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(p.fieldsDouble)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(p.fieldsDouble, '__proto__')?.value).toBe(1);
  });

  it('refuses a field value of another type', () => {
    expect(() => point({ fields: { x: null as never } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_VALUE' }));
  });
});

describe('groupID()', () => {
  it('follows models.ToGroupID', () => {
    expect(groupID('cpu', { host: 'a' }, [], false)).toBe('');
    // models.ToGroupID: no dimensions and byName is the bare name.
    expect(groupID('cpu', { host: 'a' }, [], true)).toBe('cpu');
    expect(groupID('cpu', { host: 'a', dc: 'x' }, ['dc', 'host'], true)).toBe('cpu\ndc=x,host=a');
  });
});

describe('batch()', () => {
  it('builds what Kapacitor sends: BeginBatch, bare points with group and tags, EndBatch', () => {
    const b = batch({
      name: 'cpu',
      tags: { host: 'a' },
      points: [
        { time: 2n, fields: { v: 1 } },
        { time: 5n, fields: { v: 2 }, tags: { core: '0' } },
      ],
    });
    expect(b.begin).toEqual({ name: 'cpu', group: 'host=a', tags: { host: 'a' }, size: 2n, byName: false });
    expect(b.points.map((p) => [p.name, p.group, p.tags, p.time])).toEqual([
      ['', 'host=a', { host: 'a' }, 2n],
      ['', 'host=a', { host: 'a', core: '0' }, 5n],
    ]);
    expect(b.end).toEqual({ name: 'cpu', group: 'host=a', tmax: 5n, tags: { host: 'a' }, byName: false });
  });

  it('takes an explicit tmax and ready-made points', () => {
    const ready = point({ time: 1n });
    const b = batch({ points: [ready], tmax: '1970-01-01T00:00:10Z' });
    expect(b.points[0]).toBe(ready);
    expect(b.end.tmax).toBe(10_000_000_000n);
    expect(batch().begin.size).toBe(0n);
  });
});
