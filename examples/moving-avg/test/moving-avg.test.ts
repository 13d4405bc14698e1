import { resolve } from 'node:path';
import { serialize } from 'node:v8';
import type { Point } from '@kapacitor-udf/decorators';
import { type Emitted, point, pointsOf, raw, UdfHarness } from '@kapacitor-udf/testing';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../../../test/support/build';
import { MovingAvg } from '../src';

const SECOND = 1_000_000_000n;

/**
 * The data of Kapacitor's own moving_avg test (server_test.go,
 * testStreamAgent): grouped by tag 'group', one point per group per second.
 */
function kapacitorTestPoints(): Point[] {
  const a = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
  const b = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0];
  const points: Point[] = [];
  for (let s = 0; s < 12; s++) {
    for (const [group, values] of [
      ['a', a],
      ['b', b],
    ] as const) {
      points.push(point({ name: 'test', time: BigInt(s) * SECOND, tags: { group }, dimensions: ['group'], fields: { value: values[s] } }));
    }
  }
  return points;
}

const OPTIONS = { field: 'value', size: 10n, as: 'mean' };

/** The mean of each group's output point at `time`. */
function meansAt(out: readonly Emitted[], time: bigint): Record<string, number> {
  const means: Record<string, number> = {};
  for (const p of pointsOf(out)) if (p.time === time) means[p.tags.group] = p.fieldsDouble.mean;
  return means;
}

/** Kapacitor's expectation, on any harness. */
async function reproducesKapacitorsTest(h: UdfHarness): Promise<void> {
  const out = await h.points(kapacitorTestPoints());
  expect(out).toHaveLength(24);
  // |window().period(11s) |last('mean') sees the point at 10s: exactly 0.9 and 1.9.
  expect(meansAt(out, 10n * SECOND)).toEqual({ a: 0.9, b: 1.9 });
  expect(meansAt(out, 11n * SECOND)).toEqual({ a: 0.8, b: 1.7 });
  await h.close();
}

describe('movingAvg', () => {
  it("reproduces Kapacitor's own test: mean 0.9 for a and 1.9 for b at t=10s, exactly", async () => {
    await reproducesKapacitorsTest(await UdfHarness.create(MovingAvg, { options: OPTIONS }));
  });

  it('emits one point per input, shaped like the reference: same series, only the average field', async () => {
    const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 2n } });
    const input = point({
      name: 'cpu',
      time: '2024-01-01T00:00:00Z',
      tags: { host: 'a' },
      dimensions: ['host'],
      fields: { value: 4, other: 1.5, n: 3n, s: 'x', b: true },
      database: 'telegraf',
      retentionPolicy: 'autogen',
    });
    const [out] = pointsOf(await h.point(input));
    expect(out).toEqual({ ...input, fieldsDouble: { avg: 4 }, fieldsInt: {}, fieldsString: {}, fieldsBool: {} });
    await h.close();
  });

  it('averages over the last `size` points of each group', async () => {
    const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 3n } });
    const p = (group: string, value: number | bigint) => point({ tags: { group }, dimensions: ['group'], fields: { value } });
    const means = pointsOf(await h.points([p('x', 3), p('y', 100), p('x', 6), p('x', 9n), p('x', 12)])).map((o) => o.fieldsDouble.avg);
    expect(means).toEqual([3, 100, 4.5, 6, 9]);
    await h.close();
  });

  it('skips (and logs) points without the field', async () => {
    const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 3n } });
    expect(await h.point(point({ fields: { other: 1 } }))).toEqual([]);
    expect(h.logs.some((l) => l.level === 'warn' && /no numeric field/.test(l.msg))).toBe(true);
    await h.close();
  });

  it('keeps its windows across snapshot and restore', async () => {
    const all = kapacitorTestPoints();
    const first = await UdfHarness.create(MovingAvg, { options: OPTIONS });
    await first.points(all.slice(0, 15));
    const snapshot = await first.snapshot();
    await first.close();

    const second = await UdfHarness.create(MovingAvg, { options: OPTIONS });
    expect(await second.restore(snapshot)).toEqual({ success: true, error: '' });
    const out = await second.points(all.slice(15));
    expect(meansAt(out, 10n * SECOND)).toEqual({ a: 0.9, b: 1.9 });
    await second.close();
  });

  describe('restore', () => {
    /** A snapshot in the @State envelope format, as a corrupt or forged one could be. */
    const snapshotOf = (windows: Map<string, unknown[]>, recorded: string): Uint8Array =>
      serialize({
        format: 'kapacitor-udf/state',
        formatVersion: 1,
        udf: 'movingAvg',
        stateVersion: 2,
        values: { windows },
        types: { windows: recorded },
      });

    it('refuses windows of strings even when the snapshot records them as such (they averaged to NaN)', async () => {
      const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 10n } });
      const response = await h.restore(snapshotOf(new Map([['', ['1', 'x']]]), 'Map<string,Array<string>>'));
      expect(response.success).toBe(false);
      expect(response.error).toMatch(/declared as Map<string,Array<number>>.*is a string, not number/);
      const [out] = pointsOf(await h.point(point({ fields: { value: 2 } })));
      expect(out.fieldsDouble.avg).toBe(2);
      await h.close();
    });

    it('trims a restored window larger than size in one step (1M values: a shift() loop took minutes)', async () => {
      const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 3n } });
      const window = Array.from({ length: 1_000_000 }, (_, i) => i);
      expect(await h.restore(snapshotOf(new Map([['', window]]), 'Map<string,Array<number>>'))).toEqual({ success: true, error: '' });
      const [first] = pointsOf(await h.point(point({ fields: { value: 0 } })));
      expect(first.fieldsDouble.avg).toBe((999_998 + 999_999 + 0) / 3);
      const [second] = pointsOf(await h.point(point({ fields: { value: 3 } })));
      expect(second.fieldsDouble.avg).toBe((999_999 + 0 + 3) / 3);
      await h.close();
    });
  });

  describe('options', () => {
    it('requires field and size', async () => {
      const h = await UdfHarness.create(MovingAvg);
      const response = await h.init({});
      expect(response.success).toBe(false);
      expect(response.error).toMatch(/field/);
      expect(response.error).toMatch(/size/);
      await h.close();
    });

    it('refuses a size below 1', async () => {
      const h = await UdfHarness.create(MovingAvg);
      const response = await h.init({ field: 'value', size: 0n });
      expect(response).toEqual({ success: false, error: expect.stringMatching(/size/) });
      await h.close();
    });

    it('refuses a size sent as a double (Kapacitor would not, but a hand-made InitRequest might)', async () => {
      const h = await UdfHarness.create(MovingAvg);
      const response = await h.init([raw.option('field', raw.string('value')), raw.option('size', raw.double(10))]);
      expect(response.success).toBe(false);
      expect(response.error).toMatch(/size/);
      await h.close();
    });

    it('names the output field avg by default', async () => {
      const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 1n } });
      const [out] = pointsOf(await h.point(point({ fields: { value: 2.5 } })));
      expect(out.fieldsDouble).toEqual({ avg: 2.5 });
      await h.close();
    });
  });

  describe('over a pipe with udf-run', () => {
    beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

    it("reproduces Kapacitor's test the same way", async () => {
      await reproducesKapacitorsTest(await UdfHarness.spawn('movingAvg', { cwd: resolve(__dirname, '..'), options: OPTIONS }));
    });
  });
});
