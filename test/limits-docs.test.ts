/**
 * docs/limits.md's settings table against the limits table in the code
 * (packages/transports/src/limits.ts), both ways: every limit has its row
 * (flag, default, API option name), and every row is a limit of the table.
 * And each default, written as its flag would take it, parses back to the
 * default the code applies.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LIMIT_NAMES, LIMITS } from '@kapacitor-udf/transports';
import { PARSERS } from '../packages/cli/src/args';

interface Row {
  line: string;
  defaultCell: string;
  flag: string | undefined;
  option: string | undefined;
}

function settingsRows(): Row[] {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'limits.md'), 'utf8');
  const start = doc.indexOf('\n| Limit | Default | `udf-run` flag | API option');
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(start + 1).split('\n');
  const rows: Row[] = [];
  // Header and separator first; the table ends at the first line that is not a row.
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1);
    expect(cells).toHaveLength(4);
    const [, defaultCell, flagCell, optionCell] = cells;
    rows.push({
      line,
      defaultCell,
      flag: /`--([a-z-]+)/.exec(flagCell)?.[1],
      option: /`([A-Za-z]+)`/.exec(optionCell)?.[1],
    });
  }
  return rows;
}

const rows = settingsRows();

test.each(LIMIT_NAMES)('%s has its row in docs/limits.md: flag, API option name, default', (name) => {
  const spec = LIMITS[name];
  const row = rows.find((r) => r.flag === spec.flag);
  expect(row).toBeDefined();
  expect(row?.option).toBe(name);
  // "64 MiB", "1,000,000" and "10 s" in prose; "64MiB", "1000000", "10s" as a flag takes them.
  expect(row?.defaultCell.replace(/[ ,]/g, '')).toContain(spec.defaultText);
});

test('every row of the settings table is a limit of the table', () => {
  expect(rows.length).toBeGreaterThan(0);
  const flags = new Set<string>(LIMIT_NAMES.map((name) => LIMITS[name].flag));
  expect(rows.filter((r) => r.flag === undefined || !flags.has(r.flag)).map((r) => r.line)).toEqual([]);
  expect(rows).toHaveLength(LIMIT_NAMES.length);
});

test.each(LIMIT_NAMES)("%s: its default as written in --help parses to the code's default", (name) => {
  const spec = LIMITS[name];
  // 'none': no limit; 'auto': computed at run time (maxRetainedSize: from the heap limit); both are 0 in the table.
  if (spec.defaultText === 'none' || spec.defaultText === 'auto') {
    expect(spec.default).toBe(0);
    return;
  }
  expect(PARSERS[spec.unit](`--${spec.flag}`, spec.defaultText)).toBe(spec.default);
});
