import { batch, batchesOf, point, pointsOf, UdfHarness } from '@kapacitor-udf/testing';
import { Defaults, DefaultsBatch } from '../src';

const OPTIONS = {
  field: [
    ['value', 0.0],
    ['limit', 100.0],
  ],
  tag: [
    ['host', 'unknown'],
    ['dc', 'eu'],
  ],
} as const;

describe('defaults (stream)', () => {
  it('sets fields and tags that are absent', async () => {
    const h = await UdfHarness.create(Defaults, { options: OPTIONS });
    const [out] = pointsOf(await h.point(point({ name: 'cpu', time: 1n, fields: { usage: 5.5 } })));
    expect(out.fieldsDouble).toEqual({ usage: 5.5, value: 0, limit: 100 });
    expect(out.tags).toEqual({ host: 'unknown', dc: 'eu' });
    await h.close();
  });

  it('leaves present fields alone, whatever their type, and present tags', async () => {
    const h = await UdfHarness.create(Defaults, { options: OPTIONS });
    const input = point({ tags: { host: 'a', dc: 'us' }, fields: { value: 7n, limit: 'none' } });
    expect(pointsOf(await h.point(input))).toEqual([input]);
    await h.close();
  });

  it('treats an empty tag as absent, as DefaultNode does', async () => {
    const h = await UdfHarness.create(Defaults, { options: { tag: [['host', 'unknown']] } });
    const [out] = pointsOf(await h.point(point({ tags: { host: '' } })));
    expect(out.tags).toEqual({ host: 'unknown' });
    await h.close();
  });

  it('with no options, changes nothing', async () => {
    const h = await UdfHarness.create(Defaults, { options: {} });
    const input = point({ tags: { host: 'a' }, fields: { x: 1 } });
    expect(pointsOf(await h.point(input))).toEqual([input]);
    await h.close();
  });

  it('declares repeatable .field(string, double) and .tag(string, string)', async () => {
    const h = await UdfHarness.create(Defaults);
    const info = await h.info();
    expect(Object.keys(info.options).sort()).toEqual(['field', 'tag']);
    await h.close();
  });
});

describe('defaultsBatch', () => {
  it('sets defaults on every point and on the batch tags', async () => {
    const h = await UdfHarness.create(DefaultsBatch, { options: OPTIONS });
    const input = batch({
      name: 'cpu',
      tags: { host: 'a' },
      points: [
        { time: 1n, fields: { value: 3 } },
        { time: 2n, fields: {} },
      ],
    });
    const [out] = batchesOf(await h.batch(input));
    expect(out.begin).toEqual({ ...input.begin, tags: { host: 'a', dc: 'eu' } });
    expect(out.end).toEqual({ ...input.end, tags: { host: 'a', dc: 'eu' } });
    expect(out.points.map((p) => p.fieldsDouble)).toEqual([
      { value: 3, limit: 100 },
      { value: 0, limit: 100 },
    ]);
    expect(out.points.map((p) => p.tags)).toEqual([
      { host: 'a', dc: 'eu' },
      { host: 'a', dc: 'eu' },
    ]);
    await h.close();
  });
});
