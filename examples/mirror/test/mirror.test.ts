import { resolve } from 'node:path';
import { batch, batchesOf, point, pointsOf, raw, UdfHarness } from '@kapacitor-udf/testing';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../../../test/support/build';
import { Mirror, MirrorBatch } from '../src';

const cpu = (host: string, usage: number, t: string) =>
  point({ name: 'cpu', time: t, tags: { host }, dimensions: ['host'], fields: { usage_idle: usage, count: 3n } });

/** The guide's scenario: works on any harness (in memory or over a pipe). */
async function addsTheCustomField(h: UdfHarness): Promise<void> {
  const input = cpu('a', 90.2, '2024-01-01T00:00:00Z');
  const out = pointsOf(await h.point(input));
  expect(out).toEqual([{ ...input, fieldsDouble: { usage_idle: 90.2, mycustom_field: 42 } }]);
  expect(await h.close()).toEqual([]);
}

describe('mirror', () => {
  it('sends every point back unchanged without options', async () => {
    const h = await UdfHarness.create(Mirror, { options: {} });
    const input = [cpu('a', 1.5, '2024-01-01T00:00:00Z'), cpu('b', 2.5, '2024-01-01T00:00:01Z')];
    expect(pointsOf(await h.points(input))).toEqual(input);
    await h.close();
  });

  it(".field('mycustom_field', 42.0) adds that double field, keeping tags, group and dimensions", async () => {
    await addsTheCustomField(await UdfHarness.create(Mirror, { options: { field: ['mycustom_field', 42.0] } }));
  });

  it('overwrites a double field of the same name', async () => {
    const h = await UdfHarness.create(Mirror, { options: { field: ['usage_idle', 0.5] } });
    const [out] = pointsOf(await h.point(cpu('a', 90.2, '2024-01-01T00:00:00Z')));
    expect(out.fieldsDouble).toEqual({ usage_idle: 0.5 });
    await h.close();
  });

  it('refuses a field option of the wrong type at Init', async () => {
    const h = await UdfHarness.create(Mirror);
    const response = await h.init([raw.option('field', raw.string('x'), raw.int(42n))]);
    expect(response.success).toBe(false);
    expect(response.error).toMatch(/field/);
    await h.close();
  });

  describe('over a pipe with udf-run', () => {
    beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

    it('behaves the same', async () => {
      await addsTheCustomField(
        await UdfHarness.spawn('mirror', { cwd: resolve(__dirname, '..'), options: { field: ['mycustom_field', 42.0] } }),
      );
    });
  });
});

describe('mirrorBatch', () => {
  const input = batch({
    name: 'cpu',
    tags: { host: 'a' },
    points: [
      { time: '2024-01-01T00:00:00Z', fields: { usage_idle: 90 } },
      { time: '2024-01-01T00:00:01Z', fields: { usage_idle: 91 } },
      { time: '2024-01-01T00:00:02Z', fields: { usage_idle: 92 } },
    ],
  });

  it('sends each batch back whole: BeginBatch, points, EndBatch', async () => {
    const h = await UdfHarness.create(MirrorBatch, { options: {} });
    const out = await h.batch(input);
    expect(out.map((m) => m.$case)).toEqual(['begin', 'point', 'point', 'point', 'end']);
    expect(batchesOf(out)).toEqual([input]);
    await h.close();
  });

  it('adds the field to every point of the batch', async () => {
    const h = await UdfHarness.create(MirrorBatch, { options: { field: ['flag', 1.0] } });
    const [b] = batchesOf(await h.batch(input));
    expect(b.points.map((p) => p.fieldsDouble.flag)).toEqual([1, 1, 1]);
    expect(b.begin).toEqual(input.begin);
    expect(b.end).toEqual(input.end);
    await h.close();
  });

  it('keeps batches apart and in order', async () => {
    const h = await UdfHarness.create(MirrorBatch, { options: {} });
    const second = batch({ name: 'cpu', tags: { host: 'b' }, points: [{ time: 5n, fields: { usage_idle: 1 } }] });
    await h.batch(input);
    await h.batch(second);
    expect(batchesOf(h.emitted)).toEqual([input, second]);
    await h.close();
  });
});
