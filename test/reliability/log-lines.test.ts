/**
 * Log lines of a running UDF: fields passed by UDF code never override the
 * line's own `time`, `level` and `msg`, and a handler error's stack trace is
 * logged at debug level. Over udf-run (process UDF), reading its stderr.
 */
import * as path from 'node:path';
import { ValueType } from '@kapacitor-udf/core';
import { FIXTURE_UDFS, ROOT, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const lines = (stderr: string): Array<Record<string, unknown>> =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test("a UDF's log fields named time / level / msg do not override the line's own (movingAvg's warning)", async () => {
  const udf = spawnUdfRun({ name: 'movingAvg', cwd: path.join(ROOT, 'examples', 'moving-avg') });
  try {
    const str = (v: string) => ({ type: ValueType.STRING, value: { $case: 'stringValue' as const, value: v } });
    const int = (v: bigint) => ({ type: ValueType.INT, value: { $case: 'intValue' as const, value: v } });
    udf.peer.send(
      init([
        { name: 'field', values: [str('nosuch')] },
        { name: 'size', values: [int(3n)] },
      ]),
    );
    udf.peer.point(makePoint(1));
    udf.peer.endInput();
    expect(await udf.exited()).toBe(0);
    const warning = lines(udf.stderr()).find((l) => /no numeric field/.test(String(l.msg)));
    expect(warning).toBeDefined();
    expect(warning!.level).toBe('warn');
    expect(warning!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The point's time is kept, under its own key.
    expect(warning!['fields.time']).toBe(String(makePoint(1).time));
  } finally {
    udf.kill();
  }
});

test("a failing handler's stack trace is logged at debug level", async () => {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS, args: ['--log-level', 'debug'] });
  try {
    udf.peer.send(init());
    udf.peer.point(makePoint(1, { fieldsString: { do: 'throw' } }));
    expect(await udf.exited()).toBe(1);
    const withStack = lines(udf.stderr()).filter(
      (l) => l.level === 'debug' && /asked to throw/.test(JSON.stringify(l)) && /udfs\.js:\d+/.test(JSON.stringify(l)),
    );
    expect(withStack.length).toBeGreaterThanOrEqual(1);
  } finally {
    udf.kill();
  }
});

describe.each([
  ['in the main thread', [] as string[]],
  ['with --workers 2', ['--workers', '2']],
])('log floods are rate-limited per connection and kind (%s)', (_where, extra) => {
  test('1 MB of zero-length frames: ~20 warnings and one count of the suppressed ones, a bystander unaffected', async () => {
    // Issue 20, item 6: each zero-length frame logged a warning (2 MB of input: 526 MB of log).
    const server = await startSocketServer({ args: extra });
    try {
      const bystander = await server.connect();
      bystander.peer.send(init([], 'bystander'));
      bystander.peer.point(makePoint(1));
      await bystander.peer.until(() => bystander.peer.count('point') === 1, "the bystander's first point");
      const flood = await server.connect();
      flood.peer.send(init([], 'flood'));
      flood.socket.write(Buffer.alloc(1_000_000));
      flood.peer.point(makePoint(2));
      await flood.peer.until(() => flood.peer.count('point') === 1, 'the point after the empty frames', 30_000);
      flood.peer.endInput();
      await flood.peer.closed();
      bystander.peer.point(makePoint(3));
      await bystander.peer.until(() => bystander.peer.count('point') === 2, "the bystander's second point");
      await sleep(200);
      const floodLines = lines(server.log()).filter((l) => l.taskID === 'flood');
      const warnings = floodLines.filter((l) => /^ignoring a request with no known message/.test(String(l.msg)));
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(20);
      const counts = floodLines.filter((l) => /more log lines like this were suppressed/.test(String(l.msg)));
      const suppressed = counts.reduce((n, l) => n + Number(l.suppressed), 0);
      expect(suppressed + warnings.length).toBe(1_000_000);
      expect(server.log().length).toBeLessThan(200_000);
      bystander.socket.destroy();
      flood.socket.destroy();
    } finally {
      await server.stop();
    }
  }, 60_000);
});

test('snapshot and restore are logged at info with UDF, task, bytes and state version; a refused restore at error', async () => {
  const str = (v: string) => ({ type: ValueType.STRING, value: { $case: 'stringValue' as const, value: v } });
  const int = (v: bigint) => ({ type: ValueType.INT, value: { $case: 'intValue' as const, value: v } });
  const options = [
    { name: 'field', values: [str('value')] },
    { name: 'size', values: [int(3n)] },
  ];
  const cwd = path.join(ROOT, 'examples', 'moving-avg');

  const first = spawnUdfRun({ name: 'movingAvg', cwd });
  let snapshot: Buffer;
  try {
    first.peer.send(init(options, 'cpu-task', 'avg1'));
    first.peer.point(makePoint(1, { fieldsDouble: { value: 2 } }));
    first.peer.send({ $case: 'snapshot', value: {} });
    const responses = await first.peer.take(3);
    const taken = responses.find((r) => r.message?.$case === 'snapshot')?.message;
    if (taken?.$case !== 'snapshot') throw new Error(`no SnapshotResponse among ${responses.map((r) => r.message?.$case)}`);
    snapshot = taken.value.snapshot;
    expect(snapshot.byteLength).toBeGreaterThan(0);
    first.peer.endInput();
    expect(await first.exited()).toBe(0);
    expect(lines(first.stderr()).find((l) => l.msg === 'snapshot taken')).toMatchObject({
      level: 'info',
      udf: 'movingAvg',
      taskID: 'cpu-task',
      nodeID: 'avg1',
      bytes: snapshot.byteLength,
      state: '@State',
      stateVersion: 2,
    });
  } finally {
    first.kill();
  }

  const second = spawnUdfRun({ name: 'movingAvg', cwd });
  try {
    second.peer.send(init(options, 'cpu-task', 'avg1'), { $case: 'restore', value: { snapshot } });
    second.peer.send({ $case: 'restore', value: { snapshot: Buffer.from([1, 2, 3]) } });
    const responses = await second.peer.take(3);
    expect(responses.map((r) => (r.message?.value as { success?: boolean } | undefined)?.success)).toEqual([true, true, false]);
    second.peer.endInput();
    expect(await second.exited()).toBe(0);
    const logged = lines(second.stderr());
    expect(logged.find((l) => l.msg === 'state restored')).toMatchObject({
      level: 'info',
      udf: 'movingAvg',
      taskID: 'cpu-task',
      bytes: snapshot.byteLength,
      stateVersion: 2,
    });
    expect(logged.find((l) => String(l.msg).startsWith('restore failed'))).toMatchObject({
      level: 'error',
      udf: 'movingAvg',
      taskID: 'cpu-task',
      bytes: 3,
      error: expect.stringMatching(/snapshot/),
    });
  } finally {
    second.kill();
  }
});
