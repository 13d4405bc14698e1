import { type Emitted, point, pointsOf, UdfHarness } from '@kapacitor-udf/testing';
import { Deadband } from '../src';

// UdfHarness plays Kapacitor: the UDF runs through the real protocol code in
// memory (every message is encoded and decoded), as it will under udf-run.

/** A point of the series `host`, with the value `value`. */
const reading = (host: string, value: number | bigint) => point({ name: 'cpu', tags: { host }, dimensions: ['host'], fields: { value } });

/** The values of the points a call emitted. */
const valuesOf = (emitted: readonly Emitted[]) => pointsOf(emitted).map((p) => p.fieldsDouble.value ?? Number(p.fieldsInt.value));

describe('deadband', () => {
  it('passes a point on only when the field moved by at least the threshold', async () => {
    // Options as in a TICKscript: @deadband().field('value').threshold(0.5)
    const h = await UdfHarness.create(Deadband, { options: { field: 'value', threshold: 0.5 } });
    const out = await h.points([1.0, 1.2, 1.4, 1.5, 0.9, 1.0].map((v) => reading('a', v)));
    expect(valuesOf(out)).toEqual([1.0, 1.5, 0.9]);
    await h.close();
  });

  it('keeps one deadband per group', async () => {
    const h = await UdfHarness.create(Deadband, { options: { field: 'value' } });
    const out = await h.points([reading('a', 10), reading('b', 10.5), reading('a', 10.5), reading('b', 12)]);
    expect(pointsOf(out).map((p) => p.tags.host)).toEqual(['a', 'b', 'b']);
    await h.close();
  });

  it('passes points on unchanged, integer fields included', async () => {
    const h = await UdfHarness.create(Deadband, { options: { field: 'value', threshold: 2.0 } });
    const input = reading('a', 7n);
    expect(pointsOf(await h.point(input))).toEqual([input]);
    expect(await h.point(reading('a', 8n))).toEqual([]);
    await h.close();
  });

  it('drops and logs points without the field', async () => {
    const h = await UdfHarness.create(Deadband, { options: { field: 'value' } });
    expect(await h.point(point({ fields: { other: 1.0 } }))).toEqual([]);
    expect(h.logs.some((l) => l.level === 'warn' && /no numeric field/.test(l.msg))).toBe(true);
    await h.close();
  });

  it('refuses a negative threshold, naming the option', async () => {
    const h = await UdfHarness.create(Deadband);
    const response = await h.init({ field: 'value', threshold: -1.0 });
    expect(response.success).toBe(false);
    expect(response.error).toMatch(/threshold/);
    await h.close();
  });

  it('requires the field option', async () => {
    const h = await UdfHarness.create(Deadband);
    const response = await h.init({});
    expect(response.success).toBe(false);
    expect(response.error).toMatch(/field/);
    await h.close();
  });

  it('remembers the last values across a snapshot and restore', async () => {
    const before = await UdfHarness.create(Deadband, { options: { field: 'value' } });
    await before.points([reading('a', 5.0), reading('b', 50.0)]);
    const snapshot = await before.snapshot();
    await before.close();

    // As Kapacitor restarts a task: a new instance, Init, then the snapshot.
    const after = await UdfHarness.create(Deadband, { options: { field: 'value' } });
    expect(await after.restore(snapshot)).toEqual({ success: true, error: '' });
    const out = await after.points([reading('a', 5.5), reading('b', 52.0)]);
    expect(pointsOf(out).map((p) => p.tags.host)).toEqual(['b']);
    await after.close();
  });
});
