import {
  type BeginBatch,
  createPoint,
  EdgeType,
  type Emitter,
  type EndBatch,
  type Handler,
  type Point,
  type Response,
  type SnapshotResponse,
  silentLogger,
} from '@kapacitor-udf/core';
import { type Batch, grouper, parseLineProtocol, runReplay, StreamWindows } from '../src';

/** A stream or batch mirror that counts points into its snapshot and refuses an option `bad`. */
function mirror(wants: EdgeType) {
  return (emitter: Emitter): Handler => {
    let seen = 0;
    return {
      info: () => ({ wants, provides: wants, options: { bad: { valueTypes: [] } } }),
      init: (r) =>
        r.options.some((o) => o.name === 'bad') ? { success: false, error: "unknown option 'bad'" } : { success: true, error: '' },
      snapshot: (): SnapshotResponse => ({ snapshot: Buffer.from(String(seen)) }),
      restore: (r) => {
        seen = Number(Buffer.from(r.snapshot).toString());
        return { success: true, error: '' };
      },
      point: (p: Point) => {
        seen++;
        emitter.point(p);
      },
      beginBatch: (b: BeginBatch) => emitter.beginBatch(b),
      endBatch: (e: EndBatch) => emitter.endBatch(e),
      stop: () => undefined,
    };
  };
}

async function* chunks<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe('runReplay', () => {
  it('sends Info, Init, Restore, the points and Snapshot through the agent and hands on what it emits', async () => {
    const points = parseLineProtocol('cpu,host=a v=1 1\ncpu,host=b v=2i 2\n');
    const out: Response[] = [];
    const result = await runReplay(
      { edge: 'stream', points: chunks(points) },
      {
        handler: mirror(EdgeType.STREAM),
        options: [],
        restore: Buffer.from('40'),
        snapshot: true,
        onData: (r) => out.push(r),
        logger: undefined,
      },
    );
    expect(out.map((r) => r.message?.value)).toEqual(points);
    expect(Buffer.from(result.snapshot ?? []).toString()).toBe('42');
    expect(result.pointsSent).toBe(2);
  });

  it('reports the UDF refusing its options with the UDF own message', async () => {
    const run = runReplay(
      { edge: 'stream', points: chunks([]) },
      { handler: mirror(EdgeType.STREAM), options: [{ name: 'bad', values: [] }], onData: () => undefined, logger: silentLogger },
    );
    await expect(run).rejects.toThrow("the UDF refused its options (as it would at Init under Kapacitor): unknown option 'bad'");
  });

  it('refuses a stream for a batch UDF with what to do', async () => {
    const run = runReplay(
      { edge: 'stream', points: chunks([]) },
      { handler: mirror(EdgeType.BATCH), options: [], onData: () => undefined, logger: silentLogger },
    );
    await expect(run).rejects.toThrow(/wants batches but the input is a stream: .*--batch 10s/);
  });
});

describe('grouper and StreamWindows (TICKscript groupBy + window)', () => {
  const stream = parseLineProtocol(
    [
      'cpu,host=a,cpu=c0 v=1 0',
      'cpu,host=b,cpu=c0 v=2 5',
      'cpu,host=a,cpu=c0 v=3 9',
      'cpu,host=a,cpu=c0 v=4 10',
      'cpu,host=a,cpu=c0 v=5 25',
      'cpu,host=b,cpu=c0 v=6 30',
    ].join('\n'),
  );

  it('forms group IDs like models.ToGroupID', () => {
    const ps = stream.map((p) => ({ ...p }));
    const group = grouper({ dimensions: ['host', 'cpu'] });
    for (const p of ps) group(p);
    expect(ps[0]).toMatchObject({ group: 'cpu=c0,host=a', dimensions: ['cpu', 'host'], byName: false });
    const byName = { ...createPoint(), name: 'mem', tags: { b: '2', a: '1' } };
    grouper({ dimensions: '*', byName: true })(byName);
    expect(byName).toMatchObject({ group: 'mem\na=1,b=2', dimensions: ['a', 'b'], byName: true });
    const none = { ...createPoint(), name: 'mem' };
    grouper({ dimensions: [] })(none);
    expect(none.group).toBe('');
  });

  it('cuts time windows per group: first ends at first time + d, next at the triggering time + d; open windows stay held', () => {
    const batches: Batch[] = [];
    const windows = new StreamWindows({ every: 10n }, (b) => batches.push(b));
    const group = grouper({ dimensions: ['host'] });
    for (const p of stream.map((q) => ({ ...q }))) {
      group(p);
      windows.push(p);
    }
    expect(batches.map((b) => [b.begin.group, b.end.tmax, b.points.map((p) => p.fieldsDouble.v)])).toEqual([
      ['host=a', 10n, [1, 3]],
      ['host=a', 20n, [4]],
      ['host=b', 15n, [2]],
    ]);
    expect(batches[0].begin).toEqual({ name: 'cpu', group: 'host=a', tags: { host: 'a' }, size: 2n, byName: false });
    expect(batches[0].points[0]).toMatchObject({ name: '', group: 'host=a', tags: { cpu: 'c0', host: 'a' } });
    expect(windows.held).toBe(2);
  });

  it('cuts count windows with tmax = the last point time', () => {
    const batches: Batch[] = [];
    const windows = new StreamWindows({ points: 2 }, (b) => batches.push(b));
    for (const p of stream.map((q) => ({ ...q }))) {
      grouper({ dimensions: [] })(p);
      windows.push(p);
    }
    expect(batches.map((b) => [b.end.tmax, b.points.length])).toEqual([
      [5n, 2],
      [10n, 2],
      [30n, 2],
    ]);
    expect(windows.held).toBe(0);
  });
});
