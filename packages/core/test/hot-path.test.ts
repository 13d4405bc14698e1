import { decodeRequest, encodeRequest } from '../src/codec';
import { writeKnownDoubleKey } from '../src/field-key-memo';
import type { Point } from '../src/generated/udf';
import { forgetCaches } from '../src/hot-path';
import { sameBytes } from '../src/same-bytes';
import { lastSeriesHead } from '../src/series-cache';
import { cachedStringCount } from '../src/wire-reader';
import { decodePoint, encodePoint } from './helpers/point-codec';

function point(host: string): Point {
  return {
    time: 1_700_000_000_000_000_000n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    group: `cpu\nhost=${host}`,
    dimensions: ['host'],
    tags: { host, region: 'us-west' },
    fieldsDouble: { usage_idle: 90.5, usage_user: 3.25 },
    fieldsInt: {},
    fieldsString: { state: 'ok' },
    byName: false,
    fieldsBool: {},
  };
}

describe('forgetCaches()', () => {
  test('empties the string cache, the series heads and the double-field keys', () => {
    forgetCaches();
    expect(cachedStringCount()).toBe(0);
    for (const host of ['server01', 'server02', 'server03']) decodePoint(encodePoint(point(host)));
    expect(cachedStringCount()).toBeGreaterThan(0);
    expect(lastSeriesHead()?.group).toBe('cpu\nhost=server03');
    const out = Buffer.alloc(128);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect(writeKnownDoubleKey(0, 'usage_idle', out, view, 0)).toBeGreaterThan(0);

    forgetCaches();
    expect(cachedStringCount()).toBe(0);
    expect(lastSeriesHead()).toBeUndefined();
    expect(writeKnownDoubleKey(0, 'usage_idle', out, view, 0)).toBe(-1);
    expect(writeKnownDoubleKey(1, 'usage_user', out, view, 0)).toBe(-1);
  });

  test('what is decoded after it is what was decoded before it', () => {
    const frames = ['a', 'b', 'a', 'c'].map((h) => encodePoint(point(`host-${h}`)));
    const warm = frames.map(decodePoint);
    forgetCaches();
    expect(frames.map(decodePoint)).toEqual(warm);
    // A point with more double fields than the scratch arrays start with, then a reset, then one again.
    const many: Point = {
      ...point('x'),
      fieldsDouble: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${String(i).padStart(2, '0')}`, i])),
    };
    const bytes = encodePoint(many);
    expect(decodePoint(bytes)).toEqual(many);
    forgetCaches();
    expect(decodePoint(bytes)).toEqual(many);
  });
});

describe('sameBytes()', () => {
  const view = (bytes: number[]): DataView => new DataView(new Uint8Array(bytes).buffer);

  test('compares every byte, at any offset and length', () => {
    for (let n = 0; n <= 11; n++) {
      const a = Array.from({ length: n + 3 }, (_, i) => (i * 37 + 11) & 0xff);
      // b holds a's bytes [2, 2 + n) at offset 1.
      const b = [0xee, ...a.slice(2, 2 + n), 0xdd];
      expect(sameBytes(view(a), 2, view(b), 1, n)).toBe(true);
      for (let k = 0; k < n; k++) {
        const c = b.slice();
        c[1 + k] ^= 0x80;
        expect(sameBytes(view(a), 2, view(c), 1, n)).toBe(false);
      }
    }
  });
});

describe('encodeRequest() from inside an encode', () => {
  test('a getter that encodes another message gets its own writer: both encodings are right', () => {
    const inner = point('inner');
    let innerBytes: Uint8Array | undefined;
    const outer = point('outer');
    const tricky = { ...outer };
    Object.defineProperty(tricky, 'name', {
      enumerable: true,
      get() {
        innerBytes ??= encodeRequest({ message: { $case: 'point', value: inner } });
        return outer.name;
      },
    });
    const bytes = encodeRequest({ message: { $case: 'point', value: tricky } });
    expect(Buffer.from(bytes)).toEqual(Buffer.from(encodePoint(outer)));
    expect(Buffer.from(innerBytes!)).toEqual(Buffer.from(encodePoint(inner)));
    const m = decodeRequest(bytes).message;
    expect(m?.$case === 'point' && m.value.tags.host).toBe('outer');
  });
});
