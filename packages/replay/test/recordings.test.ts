import * as zlib from 'node:zlib';
import { createPoint, type Point } from '@kapacitor-udf/core';
import {
  type Batch,
  formatBatchRecording,
  formatRfc3339Nano,
  formatStreamRecording,
  parseRfc3339Nano,
  readBatchRecording,
  readStreamRecording,
} from '../src';

async function all<T>(gen: AsyncIterable<T | T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of gen) Array.isArray(item) ? out.push(...item) : out.push(item);
  return out;
}

const pt = (over: Partial<Point>): Point => ({ ...createPoint(), name: 'cpu', fieldsDouble: { v: 1 }, ...over });

describe('RFC 3339 times (Go time.Time JSON)', () => {
  it.each([
    ['2026-12-07T04:50:46.123456789Z', 1796619046123456789n],
    ['2026-12-07T04:50:46Z', 1796619046000000000n],
    ['2026-12-07T05:50:46.5+01:00', 1796619046500000000n],
    ['1970-01-01T00:00:00Z', 0n],
    ['0001-01-01T00:00:00Z', -62135596800000000000n],
  ])('%s', (text, ns) => {
    expect(parseRfc3339Nano(text)).toBe(ns);
    if (!text.includes('+')) expect(formatRfc3339Nano(ns)).toBe(text);
  });
  it('rejects other text', () => {
    for (const t of ['2026-12-07', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', 'now']) expect(parseRfc3339Nano(t)).toBeUndefined();
  });
});

describe('stream recordings (.srpl)', () => {
  it('reads database, retention policy and point per three lines', async () => {
    const points = [
      pt({ database: 'telegraf', retentionPolicy: 'autogen', tags: { host: 'a' }, fieldsInt: { n: 5n }, time: 1n }),
      pt({ database: '', retentionPolicy: 'rp', time: 2n }),
    ];
    const back = await all(readStreamRecording([formatStreamRecording(points)]));
    expect(back).toEqual(points);
  });

  it('reads the exact bytes Kapacitor writes (WritePointForRecording, gzip)', async () => {
    const bytes = zlib.gzipSync('db\nautogen\ncpu,host=a usage_idle=99.5,n=3i 1700000000000000000\n');
    const [p] = await all(readStreamRecording([bytes]));
    expect(p).toMatchObject({
      database: 'db',
      retentionPolicy: 'autogen',
      name: 'cpu',
      tags: { host: 'a' },
      fieldsDouble: { usage_idle: 99.5 },
      fieldsInt: { n: 3n },
    });
  });

  it('fails clearly on a cut record, a bad point line and data that is not gzip', async () => {
    await expect(all(readStreamRecording([zlib.gzipSync('db\nrp\n')]))).rejects.toThrow(/ends in the middle of a record/);
    await expect(all(readStreamRecording([zlib.gzipSync('db\nrp\ncpu v=1 1\ndb\nrp\ncpu v= 2\n')]))).rejects.toThrow(
      /^line 6: field "v" has no value/,
    );
    await expect(all(readStreamRecording([Buffer.from('db\nrp\ncpu v=1 1\n')]))).rejects.toThrow(/is not gzip data/);
  });
});

describe('batch recordings (.brpl)', () => {
  const kapacitorJson = [
    // As edge.bufferedBatchMessage.MarshalJSON writes it: the first point has no tags of its own.
    '{"name":"cpu","tmax":"2026-12-07T00:00:10Z","group":"host=a","tags":{"host":"a"},"points":[{"fields":{"v":1,"s":"x"},"tags":null,"time":"2026-12-07T00:00:01Z"},{"fields":{"v":2.5,"b":true},"tags":{"host":"a","cpu":"c0"},"time":"2026-12-07T00:00:12.000000001Z"}]}',
    '{"name":"cpu","tmax":"2026-12-07T00:00:20Z","tags":{"host":"b"},"points":[]}',
    '{"name":"mem","tmax":"2026-12-07T00:00:20Z","byname":true,"points":[{"fields":{"v":3},"tags":{},"time":"2026-12-07T00:00:15Z"}]}',
  ].join('\n');

  it('reads batches as Kapacitor replays them', async () => {
    const zipBytes = formatBatchRecording([
      `${kapacitorJson}\n`,
      '{"name":"q2","tmax":"2026-12-07T00:00:30Z","points":[{"fields":{"v":4},"tags":{},"time":"2026-12-07T00:00:30Z"}]}\n',
    ]);
    const batches = await all(readBatchRecording(zipBytes));
    // The empty batch is skipped; entry 1 follows entry 0.
    expect(batches.map((b) => b.begin.name)).toEqual(['cpu', 'mem', 'q2']);
    const [cpu, mem] = batches;
    expect(cpu.begin).toEqual({ name: 'cpu', group: 'host=a', tags: { host: 'a' }, size: 2n, byName: false });
    // tmax: the last point is later than the recorded tmax.
    expect(cpu.end).toEqual({
      name: 'cpu',
      group: 'host=a',
      tmax: parseRfc3339Nano('2026-12-07T00:00:12.000000001Z'),
      tags: { host: 'a' },
      byName: false,
    });
    // A point without tags takes the batch's; numbers are doubles (Go decodes JSON numbers as float64).
    expect(cpu.points[0]).toMatchObject({
      group: 'host=a',
      tags: { host: 'a' },
      fieldsDouble: { v: 1 },
      fieldsString: { s: 'x' },
      fieldsInt: {},
    });
    expect(cpu.points[1]).toMatchObject({ tags: { cpu: 'c0', host: 'a' }, fieldsDouble: { v: 2.5 }, fieldsBool: { b: true } });
    // The group is recomputed from name, tags and byname (Kapacitor does not read "group").
    expect(mem.begin.group).toBe('mem');
  });

  it('round-trips what formatBatchRecording writes', async () => {
    const b: Batch = {
      begin: { name: 'cpu', group: 'host=a', tags: { host: 'a' }, size: 1n, byName: false },
      points: [pt({ name: '', group: 'host=a', tags: { host: 'a', cpu: 'c1' }, fieldsDouble: { v: 0.5 }, time: 5_000_000_001n })],
      end: { name: 'cpu', group: 'host=a', tmax: 6_000_000_000n, tags: { host: 'a' }, byName: false },
    };
    const back = await all(readBatchRecording(formatBatchRecording([[b]])));
    expect(back).toEqual([{ ...b, points: [{ ...b.points[0], tags: { cpu: 'c1', host: 'a' } }] }]);
  });

  it('fails clearly on a file that is not a zip and on a bad batch', async () => {
    await expect(all(readBatchRecording(Buffer.from('not a zip')))).rejects.toThrow(/is not a zip archive/);
    await expect(
      all(readBatchRecording(formatBatchRecording(['{"name":"x","points":[{"fields":{"v":null},"time":"2026-12-07T00:00:00Z"}]}\n']))),
    ).rejects.toThrow(/entry "0" line 1 point 1: field "v" is null/);
    await expect(
      all(readBatchRecording(formatBatchRecording(['{"name":"x","points":[{"fields":{"v":1},"time":"yesterday"}]}\n']))),
    ).rejects.toThrow(/"yesterday" is not an RFC 3339 time/);
    await expect(all(readBatchRecording(formatBatchRecording(['{"name":"x",'])))).rejects.toThrow(/cut short/);
  });
});
