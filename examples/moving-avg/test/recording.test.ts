/**
 * A recording pinned as a fixture: recordings/cpu.srpl was made by
 * kapacitord 1.5.9 (`kapacitor record stream`, 3 hosts x 30 s), and
 * recordings/cpu.expected.lp is what movingAvg emits for it, grouped by host
 * (the e2e run checks kapacitord's own replay gives the same points).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEmitted, UdfHarness } from '@kapacitor-udf/testing';
import { MovingAvg } from '../src';

const RECORDINGS = join(__dirname, '..', 'recordings');

it('gives the pinned output for the recorded cpu stream', async () => {
  const h = await UdfHarness.create(MovingAvg, { options: { field: 'usage_idle', size: 3n } });
  const out = await h.replay({ streamRecording: join(RECORDINGS, 'cpu.srpl') }, { groupBy: { dimensions: ['host'] } });
  expect(formatEmitted(out)).toBe(readFileSync(join(RECORDINGS, 'cpu.expected.lp'), 'utf8'));
  await h.close();
});
