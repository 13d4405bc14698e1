import fc from 'fast-check';
import { decodeRequest } from '../src/codec';
import { EncodeError } from '../src/errors';
import type { Point } from '../src/generated/udf';
import { Request as GenRequest } from '../src/generated/udf';
import { lastSeriesHead, MAX_HEAD_BYTES } from '../src/series-cache';
import { decodePoint, encodePoint, expectSameAsFromScratch, forgetCaches, fromScratch, seriesPoint as point } from './helpers/point-codec';

// Points of a series share their head (name .. tags). The decoder looks the
// head's bytes up instead of decoding them, and the encoder copies a head's
// bytes when a point goes out with exactly the values of the head decoded
// last. These tests hold both shortcuts to "same result as without them".

jest.setTimeout(120_000);

function generated(bytes: Uint8Array): Point | undefined {
  const m = GenRequest.decode(bytes).message;
  return m?.$case === 'point' ? m.value : undefined;
}

// A Request{point} frame body built by hand, for layouts our encoder never writes.
function field(tag: number, body: number[]): number[] {
  return [tag, body.length, ...body];
}
const str = (s: string): number[] => [...Buffer.from(s, 'utf8')];
const entry = (k: string, v: string): number[] => [...field(10, str(k)), ...field(18, str(v))];
function requestOf(pointBody: number[]): Uint8Array {
  const len = pointBody.length;
  const lenBytes = len < 0x80 ? [len] : [(len & 0x7f) | 0x80, len >> 7];
  return Uint8Array.from([0x8a, 0x01, ...lenBytes, ...pointBody]);
}
const TIME = [8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // time = 2^56

describe('series head cache: decoding', () => {
  beforeEach(forgetCaches);

  test('a head seen before decodes to the same point as from scratch, and as ts-proto reads it', () => {
    const bytes = encodePoint(point());
    const first = decodePoint(bytes);
    const second = decodePoint(bytes);
    expect(lastSeriesHead()).toBeDefined();
    expect(second).toEqual(first);
    expect(second).toEqual(point());
    expect(second).toEqual(generated(bytes));
  });

  test('each point gets its own tags and dimensions: changing one decoded point changes no other', () => {
    const bytes = encodePoint(point());
    const a = decodePoint(bytes);
    a.tags.host = 'changed';
    a.tags.extra = 'x';
    delete a.tags.cpu;
    a.dimensions.push('cpu');
    a.dimensions[0] = 'changed';
    const b = decodePoint(bytes);
    expect(b.tags).toEqual({ cpu: 'cpu-total', host: 'server01', region: 'us-west' });
    expect(b.dimensions).toEqual(['host']);
    expect(b.tags).not.toBe(a.tags);
    expect(b.dimensions).not.toBe(a.dimensions);
    // Decoded tags keep the key order of the bytes.
    expect(Object.keys(b.tags)).toEqual(['cpu', 'host', 'region']);
  });

  test('head fields repeated after the fields are merged as protobuf says (last scalar wins, maps merge, lists append)', () => {
    const head = [...field(18, str('cpu')), ...field(26, str('db')), ...field(50, str('host')), ...field(58, entry('host', 'a'))];
    const later = [...field(18, str('mem')), ...field(50, str('cpu')), ...field(58, entry('host', 'b')), ...field(58, entry('zone', 'z'))];
    const bytes = requestOf([...TIME, ...head, ...field(66, [...field(10, str('f')), 17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]), ...later]);
    for (let i = 0; i < 3; i++) {
      const p = decodePoint(bytes);
      expect(p).toEqual(generated(bytes));
      expect(p.name).toBe('mem');
      expect(p.dimensions).toEqual(['host', 'cpu']);
      expect(p.tags).toEqual({ host: 'b', zone: 'z' });
      expect(p.fieldsDouble).toEqual({ f: 1 });
    }
  });

  test('more than three dimensions, non-ASCII strings, a "__proto__" tag', () => {
    const p = point({ dimensions: ['a', 'b', 'c', 'd', 'é'], tags: { __proto__: 'x', b: 'ü', 日本: 'v' } as unknown as Point['tags'] });
    // An own "__proto__" key, as the decoder makes it.
    const tags: { [k: string]: string } = {};
    Object.defineProperty(tags, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    tags.b = 'ü';
    tags.日本 = 'v';
    p.tags = tags;
    const bytes = encodePoint(p);
    const a = decodePoint(bytes);
    const b = decodePoint(bytes);
    expect(b).toEqual(a);
    expect(Object.hasOwn(b.tags, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(b.tags)).toBe(Object.prototype);
    expect(b.dimensions).toEqual(['a', 'b', 'c', 'd', 'é']);
    expect(encodePoint(b)).toEqual(bytes);
  });

  test('heads too long to cache, and tag entries over 127 bytes, decode the same every time', () => {
    const long = 'v'.repeat(MAX_HEAD_BYTES);
    for (const p of [point({ tags: { host: long } }), point({ tags: { a: 'b'.repeat(130), c: 'd' } }), point({ group: 'g'.repeat(200) })]) {
      const bytes = encodePoint(p);
      for (let i = 0; i < 3; i++) expect(decodePoint(bytes)).toEqual(p);
    }
  });

  test('runs of points repeating their head (as in a batch), broken by other heads, decode exactly', () => {
    const a = point();
    const b = point({ group: 'cpu\nhost=server02', tags: { cpu: 'cpu-total', host: 'server02', region: 'us-west' } });
    const longer = point({ tags: { ...a.tags, zone: 'z1' } }); // a's head and one more tag entry
    const longTag = point({ tags: { ...a.tags, zz: 'v'.repeat(200) } }); // a's head, then an entry with a 2-byte length
    const sequence = [a, a, a, b, b, a, longer, longer, a, longTag, a, a, b];
    const frames = sequence.map((p, i) => encodePoint({ ...p, time: BigInt(i) }));
    const expected = frames.map((f) => fromScratch(() => decodePoint(f)));
    for (let round = 0; round < 2; round++) {
      frames.forEach((f, i) => {
        const p = decodePoint(f);
        expect(p).toEqual(expected[i]);
        expect(p).toEqual(generated(f));
        expect(encodePoint(p)).toEqual(f);
      });
    }
  });

  test("a batch's points in every tag order of their series (Kapacitor's random map order), mixed with a same-length series, decode exactly", () => {
    // Heads built by hand: the three tag entries in each of their six orders,
    // for two series whose heads have the same length (more distinct heads
    // than the decoder's recent-heads ring holds).
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const frames: Uint8Array[] = [];
    for (const host of ['server01', 'server02']) {
      const entries = [entry('cpu', 'cpu-total'), entry('host', host), entry('region', 'us-west')];
      for (const order of orders) {
        const head = [...field(18, str('cpu')), ...field(26, str('telegraf')), ...field(42, str(`cpu\nhost=${host}`))];
        const tags = order.flatMap((k) => field(58, entries[k]));
        frames.push(requestOf([...TIME, ...head, ...tags, ...field(66, [...field(10, str('f')), 17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f])]));
      }
    }
    const expected = frames.map((f) => fromScratch(() => decodePoint(f)));
    // Runs of one series in shuffled orders (a batch), then the other, then both interleaved.
    const sequence: number[] = [];
    for (let i = 0; i < 60; i++) sequence.push((i * 7 + (i >> 2)) % 6);
    for (let i = 0; i < 60; i++) sequence.push(6 + ((i * 5 + (i >> 1)) % 6));
    for (let i = 0; i < 60; i++) sequence.push((i * 11) % 12);
    for (const i of sequence) {
      const p = decodePoint(frames[i]);
      expect(p).toEqual(expected[i]);
      expect(p).toEqual(generated(frames[i]));
      expect(p.tags.host).toBe(i < 6 ? 'server01' : 'server02');
      expect(Object.keys(p.tags)).toEqual(['cpu', 'host', 'region']); // Go order, whatever order the bytes had
    }
  });

  test('40,000 series (far more than the cache holds, so it pauses) decode exactly, in two passes, and then a few series again', () => {
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < 40_000; i++)
      bytes.push(encodePoint(point({ group: `cpu\nhost=h${i}`, tags: { host: `h${i}`, region: `r${i % 7}` } })));
    const check = (i: number, pass: number): void => {
      const p = decodePoint(bytes[i]);
      if (p.tags.host !== `h${i}` || p.group !== `cpu\nhost=h${i}` || p.tags.region !== `r${i % 7}`) {
        throw new Error(`series ${i} in pass ${pass} decoded as ${JSON.stringify(p.tags)} ${JSON.stringify(p.group)}`);
      }
    };
    for (let pass = 0; pass < 2; pass++) for (let i = 0; i < bytes.length; i++) check(i, pass);
    // Back to 50 series: the cache resumes after its (longest) pause, and
    // every point decodes exactly meanwhile.
    for (let k = 0; k < 300_000; k++) check(k % 50, 2);
    expect(lastSeriesHead()?.group).toBe(`cpu\nhost=h${(300_000 - 1) % 50}`);
  });

  test('a malformed tag entry inside a head is an error every time (never cached)', () => {
    // Entry whose key field claims 9 bytes of a 3-byte entry.
    const bad = requestOf([...TIME, ...field(18, str('cpu')), ...field(26, str('db')), ...field(58, [10, 9, 0x61])]);
    for (let i = 0; i < 2; i++) expect(() => decodeRequest(bad)).toThrow(/invalid protobuf message/);
    // The same head well-formed then decodes.
    const good = requestOf([...TIME, ...field(18, str('cpu')), ...field(26, str('db')), ...field(58, entry('a', 'b'))]);
    expect(decodePoint(good).tags).toEqual({ a: 'b' });
  });
});

describe('series head cache: encoding', () => {
  beforeEach(forgetCaches);

  test('a decoded point sent back as it is encodes to the bytes it came from', () => {
    const bytes = encodePoint(point());
    expect(encodePoint(decodePoint(bytes))).toEqual(bytes);
    expect(encodePoint(decodePoint(bytes))).toEqual(bytes);
  });

  test('every change to a head field is encoded (the cached bytes are used only for identical values)', () => {
    const bytes = encodePoint(point());
    const changes: ((p: Point) => void)[] = [
      (p) => {
        p.name = 'mem';
      },
      (p) => {
        p.database = 'other';
      },
      (p) => {
        p.retentionPolicy = '';
      },
      (p) => {
        p.group = 'cpu\nhost=server02';
      },
      (p) => {
        p.dimensions.push('cpu');
      },
      (p) => {
        p.dimensions = [];
      },
      (p) => {
        p.dimensions[0] = 'cpu';
      },
      (p) => {
        p.tags.host = 'server02';
      },
      (p) => {
        p.tags.zzz = 'added last';
      },
      (p) => {
        p.tags.aaa = 'added, sorts first';
      },
      (p) => {
        delete p.tags.region;
      },
      (p) => {
        delete p.tags.cpu;
        p.tags.cpu = 'cpu-total';
      }, // same values, other insertion order
      (p) => {
        p.tags = {};
      },
      (p) => {
        p.tags = Object.assign(Object.create({ inherited: 'x' }), p.tags);
      },
      // The head's very keys and values, but inherited (for-in lists them
      // in the head's order): not own tags, so none are written.
      (p) => {
        p.tags = Object.create(p.tags);
      },
      (p) => {
        p.tags = Object.assign(Object.create({ region: 'us-west' }), { cpu: 'cpu-total', host: 'server01' });
      },
      (p) => {
        // The head's last tag, same value, inherited: for-in visits it after the own keys, in the head's order.
        const { region, ...own } = p.tags;
        p.tags = Object.assign(Object.create({ region }), own);
      },
      (p) => {
        (p as { name?: string }).name = undefined;
      },
      (p) => {
        (p as { dimensions?: string[] }).dimensions = undefined;
      },
      (p) => {
        (p as { tags?: object }).tags = undefined;
      },
    ];
    for (const change of changes) {
      const p = decodePoint(bytes);
      change(p);
      const expected = fromScratch(() => encodePoint(structuredClone(p)));
      decodePoint(bytes); // the head is the last one decoded again
      expect(encodePoint(p)).toEqual(expected);
      expect(decodePoint(encodePoint(p))).toEqual(fromScratch(() => decodePoint(expected)));
    }
  });

  test('wrong types in head fields still fail with an EncodeError', () => {
    const bytes = encodePoint(point());
    const bad: ((p: Point) => void)[] = [
      (p) => {
        (p.tags as { [k: string]: unknown }).host = 5;
      },
      (p) => {
        (p as { dimensions: unknown }).dimensions = 'host';
      },
      (p) => {
        (p as { name: unknown }).name = 5;
      },
      (p) => {
        (p.dimensions as unknown[])[0] = null;
      },
    ];
    for (const change of bad) {
      const p = decodePoint(bytes);
      change(p);
      expect(() => encodePoint(p)).toThrow(EncodeError);
    }
  });

  test('a head with unsorted tags (as Kapacitor sends them), a duplicate key, or an explicit empty name is decoded exactly and encoded canonically', () => {
    const unsorted = requestOf([...TIME, ...field(18, str('cpu')), ...field(58, entry('b', '2')), ...field(58, entry('a', '1'))]);
    const duplicate = requestOf([...TIME, ...field(18, str('cpu')), ...field(58, entry('a', '1')), ...field(58, entry('a', '2'))]);
    const explicitEmpty = requestOf([...TIME, ...field(18, []), ...field(26, str('db')), ...field(58, entry('a', '1'))]);
    for (const bytes of [unsorted, duplicate, explicitEmpty]) {
      const decoded = fromScratch(() => decodePoint(bytes));
      const expected = fromScratch(() => encodePoint(decoded));
      expect(expected).not.toEqual(bytes);
      for (let i = 0; i < 3; i++) {
        const p = decodePoint(bytes);
        expect(p).toEqual(generated(bytes));
        expect(encodePoint(p)).toEqual(expected);
      }
    }
  });

  test('property: streams of points from a few series decode and encode as with an empty cache', () => {
    const text = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('', 'host', 'cpu', 'é', '__proto__', '10'));
    const seriesArb = fc.record({
      name: text,
      database: text,
      retentionPolicy: text,
      group: fc.string({ maxLength: 60 }),
      dimensions: fc.array(text, { maxLength: 4 }),
      tags: fc.dictionary(text, text, { maxKeys: 5 }),
    });
    const streamArb = fc.tuple(
      fc.array(seriesArb, { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.double(), fc.boolean()), { minLength: 1, maxLength: 30 }),
    );
    fc.assert(
      fc.property(streamArb, ([series, picks]) => {
        expectSameAsFromScratch(
          picks.map(([s, v, changeTag], i) => {
            const head = series[s % series.length];
            return encodePoint(
              point({
                ...head,
                tags: changeTag && i % 3 === 0 ? { ...head.tags, extra: 'e' } : head.tags,
                time: BigInt(i),
                fieldsDouble: { v },
              }),
            );
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
