import {
  type BeginBatch,
  createPoint,
  EncodeError,
  type EndBatch,
  numericField,
  type Point,
  pointFromBatch,
  replaceFields,
  withFields,
} from '@kapacitor-udf/core';

function input(): Point {
  return {
    ...createPoint(),
    time: 1_700_000_000_000_000_123n,
    name: 'cpu',
    database: 'db',
    retentionPolicy: 'rp',
    group: 'host=a',
    dimensions: ['host'],
    tags: { host: 'a' },
    fieldsDouble: { usage: 0.5 },
    fieldsInt: { count: 3n },
    fieldsString: { state: 'ok' },
    fieldsBool: { up: true },
  };
}

/** Own keys and values of each typed map, including a "__proto__" key. */
const own = (map: object) => Object.entries(Object.getOwnPropertyDescriptors(map)).map(([k, d]) => [k, d.value]);

describe('withFields', () => {
  it('adds and changes fields by their JavaScript type, keeps the rest, leaves the input alone', () => {
    const p = input();
    const before = structuredClone(p);
    const out = withFields(p, { usage: 0.75, total: 9n, note: 'x', alarm: false });
    expect(out).toEqual({
      ...before,
      fieldsDouble: { usage: 0.75 },
      fieldsInt: { count: 3n, total: 9n },
      fieldsString: { state: 'ok', note: 'x' },
      fieldsBool: { up: true, alarm: false },
    });
    expect(p).toEqual(before);
    expect(out.tags).toBe(p.tags);
    expect(out.dimensions).toBe(p.dimensions);
  });

  it('moves a field that changes type out of its old map, sharing untouched maps', () => {
    const p = input();
    const out = withFields(p, { count: 2.5 });
    expect(out.fieldsDouble).toEqual({ usage: 0.5, count: 2.5 });
    expect(out.fieldsInt).toEqual({});
    expect(p.fieldsInt).toEqual({ count: 3n });
    expect(out.fieldsString).toBe(p.fieldsString);
    expect(out.fieldsBool).toBe(p.fieldsBool);
  });

  it('treats "__proto__" as an ordinary field name', () => {
    const p = input();
    const fields: Record<string, number> = {};
    Object.defineProperty(fields, '__proto__', { value: 1.5, enumerable: true });
    const out = withFields(p, fields);
    expect(own(out.fieldsDouble)).toEqual([
      ['usage', 0.5],
      ['__proto__', 1.5],
    ]);
    expect(Object.getPrototypeOf(out.fieldsDouble)).toBe(Object.prototype);
    const back = withFields(out, { __proto__: 2n } as never);
    // An object literal `{ __proto__: 2n }` sets no field at all: nothing changes.
    expect(own(back.fieldsDouble)).toEqual(own(out.fieldsDouble));
    const moved = withFields(out, Object.defineProperty({}, '__proto__', { value: 7n, enumerable: true }));
    expect(own(moved.fieldsDouble)).toEqual([['usage', 0.5]]);
    expect(own(moved.fieldsInt)).toEqual([
      ['count', 3n],
      ['__proto__', 7n],
    ]);
  });

  it('rejects a value that is no field type', () => {
    expect(() => withFields(input(), { bad: null as never })).toThrow(EncodeError);
    expect(() => withFields(input(), { bad: {} as never })).toThrow(
      "field 'bad' is object; a field value is a number (double), bigint (int), string or boolean",
    );
  });
});

describe('replaceFields', () => {
  it('keeps the series and time, and has exactly the given fields', () => {
    const p = input();
    const out = replaceFields(p, { avg: 1.25, n: 4n });
    expect(out).toEqual({
      ...input(),
      fieldsDouble: { avg: 1.25 },
      fieldsInt: { n: 4n },
      fieldsString: {},
      fieldsBool: {},
    });
    expect(Object.keys(out)).toEqual(Object.keys(createPoint()));
    expect(p.fieldsDouble).toEqual({ usage: 0.5 });
  });
});

describe('pointFromBatch', () => {
  const begin: BeginBatch = { name: 'cpu', group: 'cpu\nhost=a,region=eu', tags: { region: 'eu', host: 'a' }, size: 2n, byName: true };
  const end: EndBatch = { name: 'cpu', group: 'cpu\nhost=a,region=eu', tmax: 42n, tags: { region: 'eu', host: 'a' }, byName: false };

  it("takes name, group tags, sorted dimensions, byName and tmax from the batch, with Kapacitor's group ID", () => {
    const out = pointFromBatch({ begin, end }, { mean: 1.5 });
    expect(out).toEqual({
      time: 42n,
      name: 'cpu',
      database: '',
      retentionPolicy: '',
      // models.ToGroupID: name + "\n" when byName, then tag=value by sorted tag name.
      group: 'cpu\nhost=a,region=eu',
      dimensions: ['host', 'region'],
      tags: { region: 'eu', host: 'a' },
      fieldsDouble: { mean: 1.5 },
      fieldsInt: {},
      fieldsString: {},
      byName: true,
      fieldsBool: {},
    });
    expect(out.tags).not.toBe(begin.tags);
  });

  it('uses a given time, and the group IDs of ungrouped batches', () => {
    expect(pointFromBatch({ begin: { ...begin, tags: {}, byName: false }, end }, {}, 7n)).toMatchObject({
      time: 7n,
      group: '',
      dimensions: [],
    });
    expect(pointFromBatch({ begin: { ...begin, tags: {}, byName: true }, end }, {})).toMatchObject({ group: 'cpu', dimensions: [] });
    expect(pointFromBatch({ begin: { ...begin, byName: false }, end }, {})).toMatchObject({ group: 'host=a,region=eu' });
  });

  it('sorts dimensions bytewise like Go, and keeps a "__proto__" tag', () => {
    const tags: Record<string, string> = { '\u{1F600}': 'x', '\uFF5E': 'y' };
    Object.defineProperty(tags, '__proto__', { value: 'p', enumerable: true });
    const out = pointFromBatch({ begin: { ...begin, tags, byName: false }, end }, {});
    // UTF-8 order: "__proto__" (0x5F) < U+FF5E (EF BD 9E) < U+1F600 (F0 9F 98 80); UTF-16 order would swap the last two.
    expect(out.dimensions).toEqual(['__proto__', '\uFF5E', '\u{1F600}']);
    expect(own(out.tags)).toEqual(own(tags));
    expect(out.group).toBe('__proto__=p,\uFF5E=y,\u{1F600}=x');
  });
});

describe('numericField', () => {
  it('reads a double or an int as a number, and nothing else', () => {
    const p = input();
    expect(numericField(p, 'usage')).toBe(0.5);
    expect(numericField(p, 'count')).toBe(3);
    expect(numericField(p, 'state')).toBeUndefined();
    expect(numericField(p, 'missing')).toBeUndefined();
    expect(numericField(p, 'toString')).toBeUndefined();
    expect(numericField(p, '__proto__')).toBeUndefined();
  });
});
