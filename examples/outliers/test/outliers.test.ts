import { type Batch, batch, batchesOf, UdfHarness } from '@kapacitor-udf/testing';
import { Outliers, tukeyFences } from '../src';

/** The values of Kapacitor's own batch test (server_test.go, testBatchAgent). */
const KAPACITOR_VALUES = [5, 6, 7, 13, 33, 35, 36, 45, 46, 47, 48, 50, 51, 52, 53, 54, 80, 85, 90, 100];

/** A deterministic shuffle (the order must not matter). */
function shuffled(values: readonly number[], seed: number): number[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const STOP = 1_700_000_000_000_000_000n;

function cpuBatch(values: readonly number[], count = '1'): Batch {
  return batch({
    name: 'cpu',
    tags: { count },
    points: values.map((value, i) => ({ time: STOP + BigInt(i - values.length) * 1_000_000n, fields: { value } })),
    tmax: STOP,
  });
}

const values = (b: Batch) => b.points.map((p) => p.fieldsDouble.value);

describe('outliers', () => {
  it("finds exactly the 5 outliers of Kapacitor's batch test, whatever the order", async () => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value', scale: 1.5 } });
    for (const seed of [1, 2, 3]) {
      const input = cpuBatch(shuffled(KAPACITOR_VALUES, seed));
      const [out] = batchesOf(await h.batch(input));
      expect([...values(out)].sort((a, b) => a - b)).toEqual([5, 6, 85, 90, 100]);
      expect(out.begin).toEqual({ ...input.begin, size: 5n });
      expect(out.end).toEqual(input.end);
      // The outlier points are passed on unchanged, in input order.
      expect(out.points).toEqual(input.points.filter((p) => [5, 6, 85, 90, 100].includes(p.fieldsDouble.value)));
    }
    await h.close();
  });

  it('scale defaults to 1.5', async () => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value' } });
    const [out] = batchesOf(await h.batch(cpuBatch(KAPACITOR_VALUES)));
    expect(out.begin.size).toBe(5n);
    await h.close();
  });

  it('a larger scale finds fewer outliers', async () => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value', scale: 2.5 } });
    // Fences 35 - 2.5*19 = -12.5 and 54 + 2.5*19 = 101.5: none.
    const [out] = batchesOf(await h.batch(cpuBatch(KAPACITOR_VALUES)));
    expect(out.points).toEqual([]);
    expect(out.begin.size).toBe(0n);
    await h.close();
  });

  it.each([[[]], [[42]], [[1, 1000]]])('handles a batch of %j: an empty output batch', async (vals: number[]) => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value' } });
    const input = cpuBatch(vals);
    expect(batchesOf(await h.batch(input))).toEqual([{ begin: { ...input.begin, size: 0n }, points: [], end: input.end }]);
    await h.close();
  });

  it('ignores points without the field', async () => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value' } });
    const input = cpuBatch(KAPACITOR_VALUES);
    input.points.push({ ...input.points[0], fieldsDouble: {}, fieldsString: { value: 'n/a' } });
    const [out] = batchesOf(await h.batch(input));
    expect(out.begin.size).toBe(5n);
    await h.close();
  });

  it('treats each batch on its own', async () => {
    const h = await UdfHarness.create(Outliers, { options: { field: 'value' } });
    await h.batch(cpuBatch(KAPACITOR_VALUES, '1'));
    await h.batch(cpuBatch([1, 2, 3], '0'));
    await h.batch(cpuBatch(KAPACITOR_VALUES, '0'));
    expect(batchesOf(h.emitted).map((b) => [b.begin.tags.count, b.points.length])).toEqual([
      ['1', 5],
      ['0', 0],
      ['0', 5],
    ]);
    await h.close();
  });

  it('refuses a scale below 1.0 and a missing field', async () => {
    const h = await UdfHarness.create(Outliers);
    const response = await h.init({ scale: 0.5 });
    expect(response.success).toBe(false);
    expect(response.error).toMatch(/scale/);
    expect(response.error).toMatch(/field/);
    await h.close();
  });
});

describe('tukeyFences (the quartile rule)', () => {
  it('even n: Q1 is the median of [0, m], Q3 of (m, n)', () => {
    // Q1 = median(5 … 48) = 35, Q3 = median(50 … 100) = 54, IQR 19.
    expect(tukeyFences(KAPACITOR_VALUES, 1.5)).toEqual({ lower: 35 - 28.5, upper: 54 + 28.5 });
  });

  it('odd n: Q1 is the median of [0, m), Q3 of (m, n)', () => {
    // m = 3: Q1 = median(1, 2, 3) = 2, Q3 = median(5, 6, 100) = 6.
    expect(tukeyFences([1, 2, 3, 4, 5, 6, 100], 1)).toEqual({ lower: -2, upper: 10 });
    // m = 2: Q1 = median(1, 2) = 1.5, Q3 = median(4, 5) = 4.5.
    expect(tukeyFences([1, 2, 3, 4, 5], 1)).toEqual({ lower: -1.5, upper: 7.5 });
  });

  it('gives no fences when a half is empty', () => {
    expect(tukeyFences([], 1.5)).toBeUndefined();
    expect(tukeyFences([1], 1.5)).toBeUndefined();
    expect(tukeyFences([1, 2], 1.5)).toBeUndefined();
  });
});
