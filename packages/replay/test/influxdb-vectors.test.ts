/**
 * Our line-protocol parser against InfluxDB's own (models.ParsePointsWithPrecision,
 * the version Kapacitor 1.7.6 builds with): test/vectors/line-protocol/influxdb.jsonl
 * holds what it read from each line of cases.json, written by
 * `cd conformance && go run ./cmd/lpvectors`. The same points, or an error
 * where it has one; where we differ on purpose, it is listed below.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseLineProtocol } from '../src';

const DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'vectors', 'line-protocol');

interface GoResult {
  line: string;
  error?: string;
  name?: string;
  tags?: Record<string, string>;
  fields?: Record<string, { type: 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'; value: string }>;
  time?: string;
}

const results: GoResult[] = readFileSync(path.join(DIR, 'influxdb.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));

/**
 * Where we differ from InfluxDB 1.x on purpose:
 * - a duplicate field key is an error (InfluxDB keeps the last value silently);
 * - `u` unsigned values are read (InfluxDB 1.x has them switched off and says
 *   "invalid number"; 2.x and Telegraf write them) as int64 fields, the only
 *   integer a Kapacitor point has; one above int64 stays an error.
 */
const OURS_ONLY_ERRORS = new Set(['cpu v=1,v=2 5']);
const OURS_ONLY_POINTS: Record<string, bigint> = { 'cpu value=5u 5': 5n };

it('covers the cases', () => {
  const cases: string[] = JSON.parse(readFileSync(path.join(DIR, 'cases.json'), 'utf8'));
  expect(results.map((r) => r.line)).toEqual(cases);
});

describe.each(results.map((r) => [r.line, r] as const))('%j', (line, go) => {
  if (Object.hasOwn(OURS_ONLY_POINTS, line)) {
    it('is an error for InfluxDB 1.x but a point for us (unsigned)', () => {
      expect(go.error).toMatch(/invalid number/);
      expect(parseLineProtocol(line)[0].fieldsInt.value).toBe(OURS_ONLY_POINTS[line]);
    });
    return;
  }
  it(go.error !== undefined || OURS_ONLY_ERRORS.has(line) ? 'is an error for us too' : 'gives the point InfluxDB reads', () => {
    const parse = () => parseLineProtocol(line, { defaultTime: 42n });
    if (go.error !== undefined || OURS_ONLY_ERRORS.has(line)) {
      expect(parse).toThrow(/^line 1: /);
      return;
    }
    const [p] = parse();
    expect(p.name).toBe(go.name);
    expect(p.tags).toEqual(go.tags ?? {});
    expect(p.time).toBe(BigInt(go.time as string));
    const ours: Record<string, { type: string; value: string }> = {};
    for (const [k, v] of Object.entries(p.fieldsDouble)) ours[k] = { type: 'float', value: String(v) };
    for (const [k, v] of Object.entries(p.fieldsInt)) ours[k] = { type: /\du\b/.test(line) ? 'unsigned' : 'integer', value: String(v) };
    for (const [k, v] of Object.entries(p.fieldsString)) ours[k] = { type: 'string', value: v };
    for (const [k, v] of Object.entries(p.fieldsBool)) ours[k] = { type: 'boolean', value: String(v) };
    const theirs = Object.fromEntries(
      Object.entries(go.fields ?? {}).map(([k, f]) => [k, f.type === 'float' ? { type: 'float', value: String(Number(f.value)) } : f]),
    );
    expect(ours).toEqual(theirs);
  });
});
