import fc from 'fast-check';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/codec';
import { EncodeError, ProtocolError } from '../src/errors';
import type { BeginBatch, EndBatch, Point, Request, Response } from '../src/generated/udf';
import { Point as GenPoint, Request as GenRequest, Response as GenResponse } from '../src/generated/udf';
import { compareUtf8 } from '../src/map-keys';

// Property runs and stream tests do real work: give them room on a loaded machine.
jest.setTimeout(120_000);

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', '__proto__', '10', '9', 'a\u0000b'),
);
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(text, value, { maxKeys: 6 }) as fc.Arbitrary<{ [key: string]: T }>;
const double = fc.double();

const pointArb: fc.Arbitrary<Point> = fc.record({
  time: int64,
  name: text,
  database: text,
  retentionPolicy: text,
  group: fc.string({ maxLength: 200 }),
  dimensions: fc.array(text, { maxLength: 4 }),
  tags: dict(fc.oneof(text, fc.string({ maxLength: 300 }))),
  fieldsDouble: dict(double),
  fieldsInt: dict(int64),
  fieldsString: dict(text),
  byName: fc.boolean(),
  fieldsBool: dict(fc.boolean()),
});
const beginArb: fc.Arbitrary<BeginBatch> = fc.record({ name: text, group: text, tags: dict(text), size: int64, byName: fc.boolean() });
const endArb: fc.Arbitrary<EndBatch> = fc.record({ name: text, group: text, tmax: int64, tags: dict(text), byName: fc.boolean() });

function hasProtoKey(m: object): boolean {
  return Object.values(m).some((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, '__proto__'));
}

/** Rebuilds a map with keys inserted in Go order (what the generated encoder iterates in). */
function sortedCopy<T>(map: { [key: string]: T }): { [key: string]: T } {
  const out: { [key: string]: T } = {};
  for (const k of Object.keys(map).sort(compareUtf8))
    Object.defineProperty(out, k, { value: map[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/** Map values that are not the proto default (the generated encoder omits those inside entries). */
function nonDefault<T>(map: { [key: string]: T }, isDefault: (v: T) => boolean): { [key: string]: T } {
  const out: { [key: string]: T } = {};
  for (const k of Object.keys(map))
    if (!isDefault(map[k])) Object.defineProperty(out, k, { value: map[k], enumerable: true, writable: true, configurable: true });
  return sortedCopy(out);
}

describe('fast path vs the generated ts-proto codec', () => {
  test('Point: both decoders read what the fast encoder writes, the fast decoder reads what ts-proto writes', () => {
    fc.assert(
      fc.property(pointArb, (p) => {
        const req: Request = { message: { $case: 'point', value: p } };
        const bytes = encodeRequest(req);
        expect(decodeRequest(bytes)).toEqual(req);
        // ts-proto drops a "__proto__" key (it assigns map[key] = value): compare only without one.
        if (!hasProtoKey(p)) {
          expect(GenRequest.decode(bytes)).toEqual(req);
          // ts-proto omits defaults inside map entries (even -0, which it then
          // reads back as 0); our decoder must read that form as ts-proto does.
          const theirs = GenRequest.encode(req).finish();
          expect(decodeRequest(theirs)).toEqual(GenRequest.decode(theirs));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('Point: byte-identical to ts-proto when map keys are in Go order and no entry holds a default', () => {
    fc.assert(
      fc.property(pointArb, (p) => {
        const q: Point = {
          ...p,
          tags: nonDefault(p.tags, (v) => v === ''),
          fieldsDouble: nonDefault(p.fieldsDouble, (v) => v === 0), // ts-proto also omits -0
          fieldsInt: nonDefault(p.fieldsInt, (v) => v === 0n),
          fieldsString: nonDefault(p.fieldsString, (v) => v === ''),
          fieldsBool: nonDefault(p.fieldsBool, (v) => v === false),
        };
        // Integer-like keys are iterated first by JavaScript: skip cases where that breaks ts-proto's order.
        const maps = [q.tags, q.fieldsDouble, q.fieldsInt, q.fieldsString, q.fieldsBool];
        fc.pre(maps.every((m) => Object.keys(m).join('\u0001') === Object.keys(m).sort(compareUtf8).join('\u0001')));
        fc.pre(!maps.some((m) => Object.keys(m).includes('')));
        fc.pre(!hasProtoKey(q));
        const ours = Buffer.from(encodeResponse({ message: { $case: 'point', value: q } }));
        const theirs = Buffer.from(GenResponse.encode({ message: { $case: 'point', value: q } }).finish());
        expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  test('BeginBatch / EndBatch round-trip through both codecs', () => {
    fc.assert(
      fc.property(beginArb, endArb, (b, e) => {
        for (const msg of [{ message: { $case: 'begin', value: b } }, { message: { $case: 'end', value: e } }] as Response[]) {
          const bytes = encodeResponse(msg);
          expect(decodeResponse(bytes)).toEqual(msg);
          if (!hasProtoKey(msg.message!.value)) {
            expect(GenResponse.decode(bytes)).toEqual(msg);
            const theirs = GenResponse.encode(msg).finish();
            expect(decodeResponse(theirs)).toEqual(GenResponse.decode(theirs));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test('management messages round-trip and match ts-proto decoding', () => {
    const optionValue = fc.oneof(
      fc.record({ type: fc.constant(0), value: fc.constant(undefined) }),
      fc.record({ type: fc.constant(0), value: fc.record({ $case: fc.constant('boolValue' as const), value: fc.boolean() }) }),
      fc.record({ type: fc.constant(1), value: fc.record({ $case: fc.constant('intValue' as const), value: int64 }) }),
      fc.record({ type: fc.constant(2), value: fc.record({ $case: fc.constant('doubleValue' as const), value: double }) }),
      fc.record({ type: fc.constant(3), value: fc.record({ $case: fc.constant('stringValue' as const), value: text }) }),
      fc.record({ type: fc.constant(4), value: fc.record({ $case: fc.constant('durationValue' as const), value: int64 }) }),
    );
    const init = fc.record({
      options: fc.array(fc.record({ name: text, values: fc.array(optionValue, { maxLength: 3 }) }), { maxLength: 4 }),
      taskID: text,
      nodeID: text,
    });
    fc.assert(
      fc.property(init, int64, fc.uint8Array({ maxLength: 50 }), (i, t, snap) => {
        const reqs: Request[] = [
          { message: { $case: 'init', value: i } },
          { message: { $case: 'keepalive', value: { time: t } } },
          { message: { $case: 'restore', value: { snapshot: Buffer.from(snap) } } },
        ];
        for (const r of reqs) {
          const bytes = encodeRequest(r);
          expect(decodeRequest(bytes)).toEqual(r);
          expect(GenRequest.decode(bytes)).toEqual(r);
          expect(Buffer.from(bytes).equals(Buffer.from(GenRequest.encode(r).finish()))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('decoding rules', () => {
  const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

  test('unknown fields of every wire type are skipped, at every level', () => {
    // Point{name:"a"} with unknown fields 13 (varint), 14 (fixed64), 15 (len), 19 (fixed32), 20 (group)
    const unknowns = '6801' + '710102030405060708' + '7a03616263' + '9d0101020304' + 'a3010801a401';
    const point = hex(`1201 61${unknowns}3a06 0a01 6b 1201 76`); // + tags{k:v}
    const entryWithUnknown = hex('3a08 0a01 6b 1801 1201 76'); // an entry with unknown field 3
    const body = Buffer.concat([
      hex('f80101'),
      hex('8a01'),
      Buffer.from([point.length]),
      point,
      hex('8a01'),
      Buffer.from([entryWithUnknown.length]),
      entryWithUnknown,
    ]);
    // The second point field replaces the first (last oneof member wins).
    expect(decodeRequest(body).message).toEqual({ $case: 'point', value: expect.objectContaining({ tags: { k: 'v' }, name: '' }) });
    const first = Buffer.concat([hex('8a01'), Buffer.from([point.length]), point]);
    expect(decodeRequest(first).message?.value).toMatchObject({ name: 'a', tags: { k: 'v' } });
  });

  test('map entries missing their key or value mean the default', () => {
    // tags: {"" : "v"} (no key), {"k": ""} (no value), {} (neither)
    const point = hex('3a03 1201 76' + '3a03 0a01 6b' + '3a00' + '4203 0a01 64' + '4a03 0a01 69' + '6203 0a01 62');
    const body = Buffer.concat([hex('8a01'), Buffer.from([point.length]), point]);
    const p = decodeRequest(body).message?.value as Point;
    expect(p.tags).toEqual({ '': '', k: '' });
    expect(p.fieldsDouble).toEqual({ d: 0 });
    expect(p.fieldsInt).toEqual({ i: 0n });
    expect(p.fieldsBool).toEqual({ b: false });
    // Re-encoded the reference way: both key and value always written.
    expect(Buffer.from(encodeRequest({ message: { $case: 'point', value: p } })).toString('hex')).toContain('3a040a0012003a050a016b1200');
  });

  test('a "__proto__" map key is an ordinary own key', () => {
    const point = hex('3a0f 0a09 5f5f70726f746f5f5f 1202 7878');
    const body = Buffer.concat([hex('8a01'), Buffer.from([point.length]), point]);
    const p = decodeRequest(body).message?.value as Point;
    expect(Object.getPrototypeOf(p.tags)).toBe(Object.prototype);
    expect(Object.keys(p.tags)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(p.tags, '__proto__')?.value).toBe('xx');
    expect(Buffer.from(encodeRequest({ message: { $case: 'point', value: p } })).equals(body)).toBe(true);
    expect(({} as Record<string, unknown>).xx).toBeUndefined();
  });

  test.each([
    [
      'a known field with the wrong wire type',
      '8a01 05 0d00000000',
      /Point.time \(field 1\) has wire type 5 \(fixed32\), expected 0 \(varint\)/,
    ],
    [
      'a known field with the wrong wire type (string as varint)',
      '8a01 02 1001',
      /Point.name \(field 2\) has wire type 0 \(varint\), expected 2/,
    ],
    ['a truncated length', '8a01 05 1201', /runs past the end|truncated/],
    ['a truncated varint', '8a01 02 08ff', /truncated varint/],
    ['a varint longer than 10 bytes', '8a01 0c 08ffffffffffffffffffff01', /longer than 10 bytes|overflows/],
    ['a length past the end of the body', '8a01 ff01', /runs past the end/],
    ['field number 0', '00', /field number 0/],
    ['wire type 7', '8a01 02 7f00', /invalid wire type 7 \(field 15\)/],
    ['an unexpected end-group', '8a01 01 0c', /end-group/],
    ['a truncated double', '8a01 06 4204 0a016b11', /truncated double|runs past/],
  ])('%s is a ProtocolError', (_name, body, message) => {
    let err: unknown;
    try {
      decodeRequest(hex(body));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('ERR_INVALID_MESSAGE');
    expect((err as ProtocolError).message).toMatch(message);
    expect(typeof (err as ProtocolError).offset).toBe('number');
  });

  test('Point.time with wire type length-delimited names the field', () => {
    expect(() => decodeRequest(hex('8a01 03 0a0100'))).toThrow(
      /Point.time \(field 1\) has wire type 2 \(length-delimited\), expected 0 \(varint\) at byte 3/,
    );
  });

  test('decodeResponse rejects malformed bodies too', () => {
    expect(() => decodeResponse(hex('32 05 0a03 6162'))).toThrow(ProtocolError);
  });

  test('OptionInfo value types are read packed and unpacked', () => {
    const packed = hex('0a 0d 1a0b 0a01 66 1206 0a04 01020304');
    const unpacked = hex('0a 0b 1a09 0a01 66 1204 0801 0802');
    expect(decodeResponse(packed).message?.value).toEqual({ wants: 0, provides: 0, options: { f: { valueTypes: [1, 2, 3, 4] } } });
    expect(decodeResponse(unpacked).message?.value).toEqual({ wants: 0, provides: 0, options: { f: { valueTypes: [1, 2] } } });
  });
});

describe('encoding rules', () => {
  const base: Point = GenPoint.fromPartial({});

  test('map keys in Go order: bytewise UTF-8, integer-like keys included', () => {
    const tags = { b: '1', '10': '2', '9': '3', a: '4', '\uffff': '5', '\u{1f600}': '6', é: '7' };
    expect(Object.keys(tags).slice(0, 2)).toEqual(['9', '10']); // what JavaScript iterates
    const p = decodeRequest(encodeRequest({ message: { $case: 'point', value: { ...base, tags } } })).message?.value as Point;
    expect(Object.keys(p.tags).filter((k) => !/^\d+$/.test(k))).toEqual(['a', 'b', 'é', '\uffff', '\u{1f600}']);
    // On the wire: "10" < "9" < "a" < "b" < "é" < U+FFFF < U+1F600
    const keys: string[] = [];
    const bytes = Buffer.from(encodeRequest({ message: { $case: 'point', value: { ...base, tags } } }));
    for (let i = 0; i < bytes.length - 2; i++) {
      if (bytes[i] === 0x3a && bytes[i + 2] === 0x0a) {
        keys.push(bytes.subarray(i + 4, i + 4 + bytes[i + 3]).toString('utf8'));
        i += 1 + bytes[i + 1];
      }
    }
    expect(keys).toEqual(['10', '9', 'a', 'b', 'é', '\uffff', '\u{1f600}']);
  });

  test('compareUtf8 agrees with comparing the UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 1000 },
    );
  });

  test('long strings and large entries (multi-byte lengths)', () => {
    const long = 'x'.repeat(5000);
    const p: Point = { ...base, name: long, tags: { [long]: long, k: 'é'.repeat(100) }, fieldsString: { s: long } };
    const msg: Response = { message: { $case: 'point', value: p } };
    const bytes = encodeResponse(msg);
    expect(decodeResponse(bytes)).toEqual(msg);
    expect(GenResponse.decode(bytes)).toEqual(msg);
  });

  test('wrong types are EncodeErrors with a clear message', () => {
    const bad = (p: Partial<Point>) => () => encodeResponse({ message: { $case: 'point', value: { ...base, ...p } as Point } });
    expect(bad({ time: 5 as unknown as bigint })).toThrow(EncodeError);
    expect(bad({ time: 5 as unknown as bigint })).toThrow(/Point.time must be a bigint \(int64\), got number/);
    expect(bad({ time: 2n ** 63n })).toThrow(/outside the int64 range/);
    expect(bad({ fieldsInt: { n: 1 as unknown as bigint } })).toThrow(/Point.fieldsInt\["n"\] must be a bigint/);
    expect(bad({ tags: { host: 3 as unknown as string } })).toThrow(/Point.tags\["host"\] must be a string, got number/);
    expect(bad({ fieldsDouble: { v: '1' as unknown as number } })).toThrow(/must be a number/);
    expect(bad({ tags: null as unknown as Record<string, string> })).toThrow(/Point.tags must be a plain object map/);
  });

  test('a Response with no message set is never encoded', () => {
    expect(() => encodeResponse({ message: undefined })).toThrow(/no message set/);
  });

  test('absent (undefined) fields of a partial JavaScript object encode as defaults', () => {
    const partial = { time: 5n, name: 'm', fieldsDouble: { v: 1 } } as unknown as Point;
    expect(decodeResponse(encodeResponse({ message: { $case: 'point', value: partial } })).message?.value).toEqual({
      ...base,
      time: 5n,
      name: 'm',
      fieldsDouble: { v: 1 },
    });
  });
});
