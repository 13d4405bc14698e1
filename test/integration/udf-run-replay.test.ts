/**
 * `udf-run NAME --replay FILE`: the built binary runs the examples over line
 * protocol, stream and batch recordings (in Kapacitor's formats), options in
 * TICKscript form or as name=value, group-by, batching, snapshots, and the
 * errors a user meets.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPoint } from '@kapacitor-udf/core';
import { type Batch, formatBatchRecording, formatStreamRecording, parseLineProtocol } from '@kapacitor-udf/replay';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build';
import { fixture, ROOT } from './helpers/paths';
import { killAllUdfRuns, runUdfRun, UdfRunProcess } from './helpers/udf-run';

const MOVING_AVG = path.join(ROOT, 'examples', 'moving-avg');
const OUTLIERS = path.join(ROOT, 'examples', 'outliers');
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-run-replay-'));
}, BUILD_TIMEOUT_MS);
afterAll(async () => {
  await killAllUdfRuns();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CPU = [
  'cpu,host=a,cpu=cpu0 usage_idle=90 1000000000',
  'cpu,host=b,cpu=cpu0 usage_idle=50 1000000000',
  'cpu,host=a,cpu=cpu0 usage_idle=80 2000000000',
  'cpu,host=b,cpu=cpu0 usage_idle=40i 2000000000',
].join('\n');

function file(name: string, data: string | Uint8Array): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
}

/** Runs udf-run with `stdin` as its input (or none). */
async function replay(args: string[], cwd: string, stdin?: string) {
  if (stdin === undefined) return runUdfRun(args, { cwd });
  const proc = new UdfRunProcess(args, { cwd, captureStdout: true });
  proc.child.stdin.end(stdin);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

describe('udf-run --replay', () => {
  it('runs line protocol through movingAvg per series group and writes line protocol', async () => {
    const lp = file('cpu.lp', `${CPU}\n`);
    const r = await replay(['movingAvg', '--replay', lp, '--tick', ".field('usage_idle').size(2)", '--group-by', 'host'], MOVING_AVG);
    expect(r.stderr).toContain('replayed 4 points through movingAvg');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'cpu,cpu=cpu0,host=a avg=90 1000000000',
        'cpu,cpu=cpu0,host=b avg=50 1000000000',
        'cpu,cpu=cpu0,host=a avg=85 2000000000',
        'cpu,cpu=cpu0,host=b avg=45 2000000000',
        '',
      ].join('\n'),
    );
  });

  it('without --group-by all points are one group (like a task without groupBy)', async () => {
    const r = await replay(
      ['movingAvg', '--replay', '-', '--option', 'field=usage_idle', '--option', 'size=2', '--option', 'as=mean'],
      MOVING_AVG,
      CPU,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'cpu,cpu=cpu0,host=a mean=90 1000000000',
      'cpu,cpu=cpu0,host=b mean=70 1000000000',
      'cpu,cpu=cpu0,host=a mean=65 2000000000',
      'cpu,cpu=cpu0,host=b mean=60 2000000000',
    ]);
  });

  it('reads a stream recording in Kapacitor format and writes JSON lines', async () => {
    const points = parseLineProtocol(CPU).map((p) => ({ ...p, database: 'telegraf', retentionPolicy: 'autogen' }));
    const srpl = file('cpu.srpl', formatStreamRecording(points));
    const r = await replay(
      ['movingAvg', '--replay', srpl, '--tick', ".field('usage_idle').size(10)", '--group-by', '*', '--output', 'json'],
      MOVING_AVG,
    );
    expect(r.code).toBe(0);
    const first = JSON.parse(r.stdout.split('\n')[0]);
    expect(first).toEqual({
      name: 'cpu',
      database: 'telegraf',
      retentionPolicy: 'autogen',
      group: 'cpu=cpu0,host=a',
      dimensions: { ByName: false, TagNames: ['cpu', 'host'] },
      fields: { avg: 90 },
      tags: { cpu: 'cpu0', host: 'a' },
      time: '1970-01-01T00:00:01Z',
    });
    expect(r.stdout.split('\n')[0]).toContain('"avg":90.0');
  });

  it('runs a batch recording through outliers; a batch point takes the batch name in line protocol', async () => {
    const values = [1, 2, 3, 4, 100, 5, 6, 7, 8, 9];
    const b: Batch = {
      begin: { name: 'cpu', group: 'host=a', tags: { host: 'a' }, size: 10n, byName: false },
      points: values.map((v, i) => ({
        ...createPoint(),
        group: 'host=a',
        tags: { host: 'a' },
        fieldsDouble: { usage: v },
        time: BigInt(i + 1) * 1_000_000_000n,
      })),
      end: { name: 'cpu', group: 'host=a', tmax: 10_000_000_000n, tags: { host: 'a' }, byName: false },
    };
    const brpl = file('cpu.brpl', formatBatchRecording([[b, b]]));
    const r = await replay(['outliers', '--replay', brpl, '--tick', ".field('usage')"], OUTLIERS);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('cpu,host=a usage=100 5000000000\ncpu,host=a usage=100 5000000000\n');
    const json = await replay(['outliers', '--replay', brpl, '--tick', ".field('usage').scale(1.5)", '--output', 'json'], OUTLIERS);
    expect(JSON.parse(json.stdout.split('\n')[0])).toEqual({
      name: 'cpu',
      tmax: '1970-01-01T00:00:10Z',
      group: 'host=a',
      tags: { host: 'a' },
      points: [{ fields: { usage: 100 }, tags: { host: 'a' }, time: '1970-01-01T00:00:05Z' }],
    });
  });

  it('cuts a stream into batches for a batch UDF with --batch and --batch-points', async () => {
    const lines = [1, 2, 3, 4, 100, 5, 6, 7, 8, 9, 5, 5].map((v, i) => `cpu,host=a usage=${v} ${(i + 1) * 1_000_000_000}`).join('\n');
    const byTime = await replay(
      ['outliers', '--replay', '-', '--tick', ".field('usage')", '--batch', '10s', '--group-by', 'host'],
      OUTLIERS,
      lines,
    );
    expect(byTime.code).toBe(0);
    // The window of 1s..10s ends at 11s (first point + 10s): the point at 11s closes it; 11s and 12s stay open.
    expect(byTime.stdout).toBe('cpu,host=a usage=100 5000000000\n');
    expect(byTime.stderr).toMatch(/replayed 10 points in 1 batches/);
    expect(byTime.stderr).toMatch(/2 points were in windows still open/);
    const byCount = await replay(['outliers', '--replay', '-', '--tick', ".field('usage')", '--batch-points', '10'], OUTLIERS, lines);
    expect(byCount.stdout).toBe('cpu,host=a usage=100 5000000000\n');
  });

  it('writes the snapshot at the end and restores one first', async () => {
    const lp = file('a.lp', 'cpu,host=a v=10 1\ncpu,host=a v=20 2\n');
    const snap = path.join(dir, 'state.snap');
    const first = await replay(['movingAvg', '--replay', lp, '--tick', ".field('v').size(3)", '--snapshot-out', snap], MOVING_AVG);
    expect(first.code).toBe(0);
    expect(fs.statSync(snap).size).toBeGreaterThan(0);
    const next = await replay(
      ['movingAvg', '--replay', '-', '--tick', ".field('v').size(3)", '--restore', snap],
      MOVING_AVG,
      'cpu,host=a v=60 3\n',
    );
    expect(next.stdout).toBe('cpu,host=a avg=30 3\n');
  });

  it.each([
    [
      ['--tick', ".field('usage_idle').size(2.0)"],
      /the UDF refused its options \(as it would at Init under Kapacitor\): option 'size': expected int, given double 2.0/,
    ],
    [['--tick', ".field('usage_idle').size(2).wndow(3)"], /unknown option 'wndow': the options of movingAvg are field, size, as/],
    [['--option', 'field=usage_idle', '--option', 'size=ten'], /option 'size': expected int, given string 'ten'/],
    [['--tick', '.field(usage_idle)'], /expected a literal/],
  ])('reports wrong options as at Init: %j', async (args, message) => {
    const r = await replay(['movingAvg', '--replay', '-', ...args], MOVING_AVG, CPU);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('names the file and line of a bad line, after handling the lines before it', async () => {
    const lp = file('bad.lp', 'cpu v=1 1\ncpu v=2 2\ncpu v=tru 3\ncpu v=4 4\n');
    const r = await replay(['movingAvg', '--replay', lp, '--tick', ".field('v').size(1)"], MOVING_AVG);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`udf-run: ${lp}: line 3: field "v": invalid value "tru"`);
    expect(r.stdout).toBe('cpu avg=1 1\ncpu avg=2 2\n');
  });

  it.each([
    [['--replay', 'x.csv'], /cannot tell the format from the name; add --format/],
    [['--tick', ".field('x')"], /--tick only applies with --replay FILE/],
    [['--replay', 'x.brpl', '--group-by', 'host'], /apply to streams only/],
    [['--replay', 'x.lp', '--batch', '10s', '--batch-points', '3'], /not both/],
    [['--replay', 'x.lp', '--socket', '/tmp/x.sock'], /cannot be combined with --socket/],
    [['--replay', 'x.lp', '--metrics', '127.0.0.1:0'], /--metrics applies to a running server, not to --replay/],
    [['--replay', 'x.lp', '--stats-interval', '1s', '--watch'], /--stats-interval, --watch apply to a running server/],
  ])('rejects a wrong command line: %j', async (args, message) => {
    const r = await replay(['movingAvg', ...args], MOVING_AVG);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--on-error skip drops the point a handler fails on and goes on; fail (the default) stops there', async () => {
    const lp = file('fail.lp', 'cpu,host=a v=1 1\ncpu,host=a v=2,fail="bad" 2\ncpu,host=a v=3 3\n');
    const mirror = ['mirror', '--module', fixture('mirror-udfs.js'), '--replay', lp];
    const skipped = await replay([...mirror, '--on-error', 'skip'], ROOT);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe('cpu,host=a v=1 1\ncpu,host=a v=3 3\n');
    expect(skipped.stderr).toMatch(/skipped a point.*asked to fail: bad/);
    expect(skipped.stderr).toContain('1 points or batches were skipped because the handler failed on them');

    const failed = await replay(mirror, ROOT);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('cpu,host=a v=1 1\n');
    expect(failed.stderr).toContain('asked to fail: bad');
  });

  it('stops quietly, exit 0, when the reader of its output goes away (| head)', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `cpu,host=a v=${i} ${i + 1}`);
    const lp = file('long.lp', `${lines.join('\n')}\n`);
    const proc = new UdfRunProcess(['movingAvg', '--replay', lp, '--tick', ".field('v').size(2)"], { cwd: MOVING_AVG });
    // Read the first chunk of output, then close the pipe as `head -1` does.
    await new Promise<void>((resolve) => proc.child.stdout.once('data', () => resolve()));
    proc.child.stdout.destroy();
    const exit = await proc.exited;
    expect(proc.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
    expect(proc.stderr).not.toContain('replayed 200000 points');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('refuses a stream for a batch UDF with what to do', async () => {
    const r = await replay(['outliers', '--replay', '-', '--tick', ".field('usage')"], OUTLIERS, CPU);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wants batches but the input is a stream/);
  });
});
