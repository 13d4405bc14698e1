/**
 * Extreme points through the built udf-run (mirror / mirrorBatch): each is
 * handled and comes back exactly, to the byte (a Point is encoded the same
 * in a Request and a Response, so a mirror's output must repeat its input).
 */
import { type BeginBatch, createPoint, type EndBatch, encodeRequest, type Point } from '@kapacitor-udf/core';
import { requireBuilt } from './helpers/paths';
import { init } from './helpers/points';
import { spawnUdfRun } from './helpers/udf-run';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const empty: Point = createPoint();

function manyTags(n: number): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 0; i < n; i++) tags[`tag${i}`] = `value-${i}-${'x'.repeat(i % 17)}`;
  return tags;
}

const megabyte = 'µ'.repeat(512 * 1024); // 1 MiB of UTF-8 (2 bytes per character)

const EXTREMES: Array<[string, Point]> = [
  ['an empty point (empty name, every map empty, time 0)', empty],
  [
    'empty name with empty-string tag and field values',
    {
      ...empty,
      time: 1n,
      tags: { '': '' },
      fieldsString: { '': '' },
      fieldsDouble: { z: 0 },
      fieldsInt: { z: 0n },
      fieldsBool: { f: false },
    },
  ],
  ['10,000 tags', { ...empty, name: 'wide', time: 2n, tags: manyTags(10_000), dimensions: Object.keys(manyTags(10_000)).slice(0, 100) }],
  [
    'a 1 MiB string field (and a 1 MiB tag value)',
    { ...empty, name: 'big', time: 3n, fieldsString: { blob: megabyte }, tags: { big: megabyte } },
  ],
  [
    'NaN, both infinities, -0, the smallest subnormal and the largest double',
    {
      ...empty,
      name: 'floats',
      time: 4n,
      fieldsDouble: {
        nan: NaN,
        posInf: Infinity,
        negInf: -Infinity,
        negZero: -0,
        tiny: Number.MIN_VALUE,
        huge: Number.MAX_VALUE,
        eps: Number.EPSILON,
      },
    },
  ],
  [
    'int64 extremes in time and int fields',
    { ...empty, name: 'ints', time: INT64_MAX, fieldsInt: { min: INT64_MIN, max: INT64_MAX, minusOne: -1n, beyondDouble: 2n ** 53n + 1n } },
  ],
  ['the most negative time', { ...empty, name: 'old', time: INT64_MIN }],
  [
    'keys that are special to JavaScript objects',
    {
      ...empty,
      name: '__proto__',
      time: 5n,
      tags: JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}') as Record<string, string>,
      fieldsString: JSON.parse('{"__proto__":"x"}') as Record<string, string>,
    },
  ],
  [
    'any Unicode (astral, combining, NUL, RTL)',
    { ...empty, name: 'u\u0000n\u200fi', time: 6n, tags: { '😀': 'e\u0301', '\u0000': '\u{10FFFF}' } },
  ],
  [
    'a realistic point with every kind of field',
    {
      time: 1_700_000_000_123_456_789n,
      name: 'cpu',
      database: 'telegraf',
      retentionPolicy: 'autogen',
      group: 'cpu\nhost=a',
      dimensions: ['host'],
      tags: { host: 'a', cpu: 'cpu-total' },
      fieldsDouble: { usage_idle: 97.5 },
      fieldsInt: { n: 42n },
      fieldsString: { state: 'ok' },
      byName: true,
      fieldsBool: { up: true },
    },
  ],
];

beforeAll(() => requireBuilt());

test('extreme points through udf-run mirror come back exactly, byte for byte, in order', async () => {
  const udf = spawnUdfRun({ name: 'mirror' });
  try {
    const { peer } = udf;
    peer.send(init());
    for (const [, p] of EXTREMES) peer.point(p);
    await peer.until(() => peer.count('point') === EXTREMES.length, 'every extreme point mirrored', 60_000);
    peer.endInput();
    await peer.closed(30_000);
    expect(await udf.exited()).toBe(0);
    expect(peer.outputError).toBeUndefined();
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', ...EXTREMES.map(() => 'point')]);
    const points = peer.of('point');
    const bodies = peer.bodies.slice(1);
    EXTREMES.forEach(([name, p], i) => {
      // Decoded equality first (readable diff), then the exact bytes.
      expect({ name, point: points[i] }).toEqual({ name, point: p });
      expect(Object.is(points[i].fieldsDouble.negZero, p.fieldsDouble.negZero)).toBe(true);
      expect({ name, bytes: bodies[i].equals(encodeRequest({ message: { $case: 'point', value: p } })) }).toEqual({ name, bytes: true });
    });
    // Nothing the keys named could reach a prototype in the UDF: the keys are data.
    expect(Object.keys(points[7].tags).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
  } finally {
    udf.kill();
  }
});

test('a NaN with a payload is mirrored bit for bit', async () => {
  // Raw request bytes: Request.point{fieldsDouble{"n": NaN with payload 0x...0001}}.
  const nanBits = Buffer.from([0x01, 0, 0, 0, 0, 0, 0xf8, 0x7f]); // little endian 0x7ff8000000000001
  const entry = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6e, 0x11]), nanBits]); // key "n", value fixed64
  const pointBody = Buffer.concat([Buffer.from([0x42, entry.length]), entry]); // Point field 8
  const request = Buffer.concat([Buffer.from([0x8a, 0x01, pointBody.length]), pointBody]);
  const udf = spawnUdfRun({ name: 'mirror' });
  try {
    const { peer } = udf;
    peer.send(init());
    peer.sendRaw(Buffer.concat([Buffer.from([request.length]), request]));
    await peer.until(() => peer.count('point') === 1, 'the NaN point');
    peer.endInput();
    await peer.closed();
    expect(Number.isNaN(peer.of('point')[0].fieldsDouble.n)).toBe(true);
    expect(peer.bodies[1].toString('hex')).toBe(request.toString('hex'));
    expect(await udf.exited()).toBe(0);
  } finally {
    udf.kill();
  }
});

test('extreme batches through udf-run mirrorBatch come back exactly, balanced', async () => {
  const begin: BeginBatch = { name: '', group: '', tags: manyTags(10_000), size: INT64_MAX, byName: true };
  const end: EndBatch = { name: '', group: '', tmax: INT64_MIN, tags: manyTags(10_000), byName: true };
  const emptyBegin: BeginBatch = { name: '', group: '', tags: {}, size: 0n, byName: false };
  const emptyEnd: EndBatch = { name: '', group: '', tmax: 0n, tags: {}, byName: false };
  const udf = spawnUdfRun({ name: 'mirrorBatch' });
  try {
    const { peer } = udf;
    peer.send(init());
    peer.send({ $case: 'begin', value: begin });
    for (const [, p] of EXTREMES) peer.point(p);
    peer.send({ $case: 'end', value: end });
    peer.send({ $case: 'begin', value: emptyBegin });
    peer.send({ $case: 'end', value: emptyEnd });
    await peer.until(() => peer.count('end') === 2, 'both batches mirrored', 60_000);
    peer.endInput();
    await peer.closed(30_000);
    expect(await udf.exited()).toBe(0);
    const expected = [
      { $case: 'begin', value: begin },
      ...EXTREMES.map(([, p]) => ({ $case: 'point', value: p })),
      { $case: 'end', value: end },
      { $case: 'begin', value: emptyBegin },
      { $case: 'end', value: emptyEnd },
    ];
    expect(peer.responses.slice(1).map((r) => r.message)).toEqual(expected);
    peer.bodies.slice(1).forEach((body, i) => {
      expect(body.equals(encodeRequest({ message: expected[i] as never }))).toBe(true);
    });
  } finally {
    udf.kill();
  }
});
