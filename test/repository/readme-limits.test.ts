/**
 * The root README's paragraph on limits names every limit of the limits
 * table (by its udf-run flag), so a new limit cannot be left out of it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LIMIT_NAMES, LIMITS } from '@kapacitor-udf/transports';

test('README.md names every limit of LIMITS by its flag', () => {
  const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const paragraph = readme.slice(readme.indexOf('\nLimits: '), readme.indexOf('\n\n', readme.indexOf('\nLimits: ') + 1));
  expect(paragraph.length).toBeGreaterThan(100);
  const flags = LIMIT_NAMES.map((name) => `--${LIMITS[name].flag}`);
  expect(flags.length).toBeGreaterThan(5);
  expect(flags.filter((flag) => !paragraph.includes(`\`${flag}\``))).toEqual([]);
});
