import { createPoint, type Point } from '@kapacitor-udf/core';
import * as fc from 'fast-check';
import { formatFloat, formatLine, parseLineProtocol, ReplayError, readLineProtocol } from '../src';

const parse = (text: string, options = {}) => parseLineProtocol(text, options);
const one = (text: string, options = {}) => {
  const points = parse(text, options);
  expect(points).toHaveLength(1);
  return points[0];
};

function errorOf(fn: () => unknown): ReplayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ReplayError);
    return err as ReplayError;
  }
  throw new Error('expected an error');
}

describe('parseLineProtocol', () => {
  it('reads measurement, tags, every field type and the time', () => {
    const p = one('cpu,host=a,cpu=cpu0 idle=99.5,count=3i,n=7u,ok=t,msg="hi there" 1700000000000000001');
    expect(p).toEqual({
      ...createPoint(),
      time: 1700000000000000001n,
      name: 'cpu',
      tags: { cpu: 'cpu0', host: 'a' },
      fieldsDouble: { idle: 99.5 },
      fieldsInt: { count: 3n, n: 7n },
      fieldsString: { msg: 'hi there' },
      fieldsBool: { ok: true },
    });
    // Tags come out in Go's key order, as InfluxDB's parser sorts them.
    expect(Object.keys(p.tags)).toEqual(['cpu', 'host']);
  });

  it('reads every boolean spelling and rejects others', () => {
    for (const t of ['t', 'T', 'true', 'True', 'TRUE']) expect(one(`m b=${t} 1`).fieldsBool.b).toBe(true);
    for (const f of ['f', 'F', 'false', 'False', 'FALSE']) expect(one(`m b=${f} 1`).fieldsBool.b).toBe(false);
    for (const bad of ['tRUE', 'yes', 'truee']) expect(errorOf(() => parse(`m b=${bad} 1`)).message).toMatch(/invalid value/);
  });

  it('keeps int64 and uint values exact as bigint', () => {
    expect(one('m a=9223372036854775807i,b=-9223372036854775808i,c=9223372036854775807u 1').fieldsInt).toEqual({
      a: 9223372036854775807n,
      b: -9223372036854775808n,
      c: 9223372036854775807n,
    });
    expect(errorOf(() => parse('m a=9223372036854775808i 1')).message).toMatch(/out of the int64 range/);
    expect(errorOf(() => parse('m a=9223372036854775808u 1')).message).toMatch(/does not fit in int64/);
    expect(errorOf(() => parse('m a=-1u 1')).message).toMatch(/invalid unsigned/);
  });

  it('reads floats in every form Go accepts and rejects NaN and overflow', () => {
    expect(one('m a=1,b=-1.5,c=.5,d=1.,e=1e3,f=-2E-2 1').fieldsDouble).toEqual({ a: 1, b: -1.5, c: 0.5, d: 1, e: 1000, f: -0.02 });
    expect(errorOf(() => parse('m a=NaN 1')).message).toMatch(/invalid value/);
    expect(errorOf(() => parse('m a=1e400 1')).message).toMatch(/out of the float64 range/);
    expect(errorOf(() => parse('m a=1.2.3 1')).message).toMatch(/invalid number/);
  });

  it('unescapes names, tags, field keys and strings the way InfluxDB 1.x does', () => {
    const p = one('my\\ cpu\\,x,ta\\=g\\ k=v\\,a\\ l\\=ue f\\ k\\"\\,\\==1,s="a \\"q\\" \\\\ b\\n" 1');
    expect(p.name).toBe('my cpu,x');
    expect(p.tags).toEqual({ 'ta=g k': 'v,a l=ue' });
    expect(p.fieldsDouble).toEqual({ 'f k",=': 1 });
    // \n is not an escape in a string field: a backslash before any other character stays.
    expect(p.fieldsString).toEqual({ s: 'a "q" \\ b\\n' });
    // A backslash that escapes nothing is kept.
    expect(one('c\\d,t=a\\b v=1 1')).toMatchObject({ name: 'c\\d', tags: { t: 'a\\b' } });
  });

  it('applies the precision and a default time for lines without one', () => {
    expect(one('m v=1 5', { precision: 's' }).time).toBe(5_000_000_000n);
    expect(one('m v=1 5', { precision: 'ms' }).time).toBe(5_000_000n);
    expect(one('m v=1 5', { precision: 'us' }).time).toBe(5_000n);
    expect(one('m v=1 -5').time).toBe(-5n);
    expect(one('m v=1', { defaultTime: 42n }).time).toBe(42n);
    expect(errorOf(() => parse('m v=1')).message).toMatch(/line 1: no timestamp/);
    expect(errorOf(() => parse('m v=1 9223372036854775807', { precision: 's' })).message).toMatch(/out of range/);
  });

  it('skips blank and comment lines, reads CRLF and strings spanning lines', () => {
    const points = parse('# header\r\n\r\nm v=1 1\r\n  m s="two\nlines",v=2 2\n\tm v=3 3');
    expect(points.map((p) => p.time)).toEqual([1n, 2n, 3n]);
    expect(points[1].fieldsString.s).toBe('two\nlines');
  });

  it.each([
    ['m 1', /field "1" has no value|has no value/],
    [',t=a v=1 1', /missing measurement/],
    ['m', /missing fields/],
    ['m,t v=1 1', /tag key "t" has no value/],
    ['m,t= v=1 1', /empty value/],
    ['m,t=a=b v=1 1', /unescaped "="/],
    ['m,t=a,t=b v=1 1', /duplicate tag key "t"/],
    ['m v=1,v=2 1', /duplicate field key "v"/],
    ['m v= 1', /has no value/],
    ['m =1 1', /missing field key/],
    ['m v="open 1', /no closing quote/],
    ['m v=1 12x', /bad timestamp/],
    ['m v=1 1 2', /unexpected text after the timestamp/],
    ['m v="a"b 1', /unexpected "b" after its value/],
  ])('rejects %j with a clear message', (line, message) => {
    const err = errorOf(() => parse(`m v=0 0\n${line}\nm v=2 2`));
    expect(err.code).toBe('ERR_LINE_PROTOCOL');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^line 2: /);
    expect(err.message).toMatch(message);
  });

  it('streams chunks, hands on the points before a bad line, then fails with its number', async () => {
    const text = 'm v=1 1\nm v=2 2\nm v=oops 3\nm v=4 4\n';
    const chunks = [text.slice(0, 5), text.slice(5, 11), text.slice(11)];
    const seen: bigint[] = [];
    const run = async () => {
      for await (const points of readLineProtocol(chunks)) for (const p of points) seen.push(p.time);
    };
    await expect(run()).rejects.toThrow(/^line 3: field "v": invalid value "oops"/);
    expect(seen).toEqual([1n, 2n]);
  });

  it('decodes UTF-8 split across byte chunks and rejects invalid UTF-8', async () => {
    const bytes = Buffer.from('m,t=ü v="é" 1\n');
    const points: Point[] = [];
    for await (const ps of readLineProtocol([bytes.subarray(0, 5), bytes.subarray(5, 11), bytes.subarray(11)])) points.push(...ps);
    expect(points[0]).toMatchObject({ tags: { t: 'ü' }, fieldsString: { v: 'é' } });
    const bad = async () => {
      for await (const _ of readLineProtocol([Buffer.from([0x6d, 0x20, 0xff, 0x0a])])) void _;
    };
    await expect(bad()).rejects.toThrow(/not UTF-8/);
  });
});

describe('formatLine', () => {
  it('writes Go order, plain decimal floats and typed fields', () => {
    const line = formatLine({
      ...createPoint(),
      name: 'cpu load',
      tags: { z: 'last', a: 'x,y=z' },
      fieldsDouble: { big: 1.2345e25, small: 1e-7, neg: -0 },
      fieldsInt: { n: -5n },
      fieldsString: { s: 'say "hi" \\o/' },
      fieldsBool: { ok: false },
      time: 1_500_000_000n,
    });
    expect(line).toBe(
      'cpu\\ load,a=x\\,y\\=z,z=last big=12345000000000000000000000,n=-5i,neg=-0,ok=false,s="say \\"hi\\" \\\\o/",small=0.0000001 1500000000',
    );
    expect(formatLine({ ...createPoint(), name: 'm', fieldsDouble: { v: 1 }, time: 1_999_999_999n }, { nsPerUnit: 1_000_000_000n })).toBe(
      'm v=1 1',
    );
  });

  it('formats floats as Go FormatFloat(f, -1)', () => {
    expect([1e21, 1.5e-7, 123.456, 5, 1e-6, 2 ** 70].map(formatFloat)).toEqual([
      '1000000000000000000000',
      '0.00000015',
      '123.456',
      '5',
      '0.000001',
      '1180591620717411300000',
    ]);
  });

  it('refuses what line protocol cannot hold instead of writing another point', () => {
    const base = { ...createPoint(), name: 'm', fieldsDouble: { v: 1 } };
    const unwritable: Point[] = [
      { ...base, name: '' },
      { ...base, name: '#m' },
      { ...base, name: 'm\\' },
      { ...base, tags: { t: 'a\nb' } },
      { ...base, fieldsDouble: {} },
      { ...base, fieldsDouble: { v: Number.NaN } },
      { ...base, fieldsDouble: { 'v\\': 1 } },
      { ...base, tags: { t: 'a\\,b' } },
    ];
    for (const p of unwritable) {
      expect(() => formatLine(p)).toThrow(expect.objectContaining({ code: 'ERR_LINE_PROTOCOL_WRITE' }));
    }
    // Empty tag values are left out, as InfluxDB has none.
    expect(formatLine({ ...base, tags: { e: '', t: 'x' }, time: 1n })).toBe('m,t=x v=1 1');
  });
});

describe('writer and parser round trip (property)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '=', '"', '\\', 'é', '😀', '\t', '#', 'i', '-', '.') });
  // What line protocol can hold (formatLine refuses the rest, tested above).
  const identifier = text.filter((s) => s.length > 0 && !/\\(?=[, ="\\]|$)/.test(s) && !/^[\t#\0]/.test(s));
  const fieldKey = identifier;
  const point = fc
    .record({
      name: identifier,
      tags: fc.dictionary(identifier, identifier, { maxKeys: 4 }),
      fieldsDouble: fc.dictionary(fieldKey, fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 3 }),
      fieldsInt: fc.dictionary(fieldKey, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxKeys: 3 }),
      fieldsString: fc.dictionary(fieldKey, fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', ' ', ',', '=', 'ü') }), { maxKeys: 3 }),
      fieldsBool: fc.dictionary(fieldKey, fc.boolean(), { maxKeys: 2 }),
      time: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    })
    .filter((p) => {
      const keys = [p.fieldsDouble, p.fieldsInt, p.fieldsString, p.fieldsBool].flatMap((m) => Object.keys(m));
      return keys.length > 0 && new Set(keys).size === keys.length;
    });

  it('parses back exactly the point that was written, many per text', () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 5 }), (points) => {
        const full = points.map((p) => ({ ...createPoint(), ...p }));
        const back = parseLineProtocol(full.map((p) => formatLine(p)).join('\n'));
        expect(back).toHaveLength(full.length);
        back.forEach((b, i) => {
          expect(b.name).toBe(full[i].name);
          expect(b.tags).toEqual(full[i].tags);
          expect(b.fieldsInt).toEqual(full[i].fieldsInt);
          expect(b.fieldsString).toEqual(full[i].fieldsString);
          expect(b.fieldsBool).toEqual(full[i].fieldsBool);
          expect(b.time).toBe(full[i].time);
          for (const [k, v] of Object.entries(full[i].fieldsDouble)) expect(Object.is(b.fieldsDouble[k], v)).toBe(true);
          expect(Object.keys(b.fieldsDouble).sort()).toEqual(Object.keys(full[i].fieldsDouble).sort());
        });
      }),
      { numRuns: 500 },
    );
  });
});
