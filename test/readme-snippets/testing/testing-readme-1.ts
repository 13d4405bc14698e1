// packages/testing/README.md: the first example (a test file next to ../src).
import { UdfHarness, point, pointsOf } from '@kapacitor-udf/testing';
import { MovingAvg } from '../src';

it('averages per group', async () => {
  const h = await UdfHarness.create(MovingAvg, { options: { field: 'value', size: 10n, as: 'mean' } });
  const out = await h.point(point({ time: '2024-01-01T00:00:00Z', tags: { group: 'a' }, dimensions: ['group'], fields: { value: 1.5 } }));
  expect(pointsOf(out)[0].fieldsDouble.mean).toBe(1.5);
  await h.close();
});
