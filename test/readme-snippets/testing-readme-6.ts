// packages/testing/README.md: a recording's output pinned as a fixture.
declare const MovingAvg: import('@kapacitor-udf/decorators').UdfClass;
import { readFileSync } from 'node:fs';
import { UdfHarness, formatEmitted } from '@kapacitor-udf/testing';

it('gives the pinned output for the recorded cpu data', async () => {
  const h = await UdfHarness.create(MovingAvg, { options: { field: 'usage_idle', size: 10n } });
  const out = await h.replay({ streamRecording: 'recordings/cpu.srpl' }, { groupBy: { dimensions: ['host', 'cpu'] } });
  expect(formatEmitted(out)).toBe(readFileSync('recordings/cpu.expected.lp', 'utf8'));
  await h.close();
});

export {};
