import { resolve } from 'node:path';
import {
  type Batch,
  type Duration,
  OnBatch,
  OnInit,
  OnPoint,
  OnStop,
  Option,
  type Point,
  State,
  Udf,
  type UdfContext,
} from '@kapacitor-udf/decorators';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../../../test/support/build';
import { batch, point, pointsOf, raw, type Traffic, UdfHarness } from '../src';

import { SlowEcho } from './fixtures/slow-echo';

const FIXTURE = resolve(__dirname, 'fixtures/slow-echo.ts');

/** Keeps points until the input ends, counts them, and can be told to fail. */
@Udf({ name: 'collector', wants: 'stream', provides: 'stream' })
class Collector {
  @Option({ type: 'int', int: 'number' })
  failAt = -1;

  @Option({ type: 'duration' })
  period?: Duration;

  @Option({ flag: true })
  verbose = false;

  @State()
  seen = 0;

  private held: Point[] = [];

  @OnInit()
  init(ctx: UdfContext): void {
    if (this.verbose) ctx.log.info('verbose on');
  }

  @OnPoint()
  point(p: Point): void {
    this.seen++;
    if (this.seen === this.failAt) throw new Error(`point ${this.seen} is the one to fail at`);
    this.held.push({ ...p, fieldsInt: { seen: BigInt(this.seen) } });
  }

  @OnStop()
  stop(ctx: UdfContext): void {
    ctx.emit(this.held);
  }
}

/** Answers each batch with one point holding its size. */
@Udf({ name: 'batchCounter', wants: 'batch', provides: 'stream' })
class BatchCounter {
  @OnBatch()
  count(b: Batch): Point {
    return { ...b.points[0], fieldsInt: { n: BigInt(b.points.length) } };
  }
}

/** What an async handler emitted is returned for the point it was sent, not later. */
async function asyncScenario(h: UdfHarness): Promise<void> {
  const p = point({ name: 'cpu', time: 5n });
  expect(await h.keepalive(1n)).toEqual({ time: 1n });
  expect(pointsOf(await h.point(p)).map((o) => o.name)).toEqual(['cpu', 'cpu_copy']);
  expect(pointsOf(await h.points([p, p])).map((o) => o.name)).toEqual(['cpu', 'cpu_copy', 'cpu', 'cpu_copy']);
  expect(h.emitted).toHaveLength(6);
  expect(await h.close()).toEqual([]);
}

describe('UdfHarness (in memory)', () => {
  it('returns what an async handler emitted for the point it was sent', async () => {
    await asyncScenario(await UdfHarness.create(SlowEcho, { options: {} }));
  });

  it('returns from close() what the UDF flushed at stop', async () => {
    const h = await UdfHarness.create(Collector, { options: {} });
    expect(await h.points([point({ time: 1n }), point({ time: 2n })])).toEqual([]);
    const flushed = pointsOf(await h.close());
    expect(flushed.map((p) => [p.time, p.fieldsInt.seen])).toEqual([
      [1n, 1n],
      [2n, 2n],
    ]);
  });

  it('types TICKscript-style options: ints, durations, flags', async () => {
    const traffic: Traffic[] = [];
    const h = await UdfHarness.create(Collector, { onTraffic: (t) => traffic.push(t), taskID: 't', nodeID: 'collector1' });
    expect(await h.init({ failAt: 3, period: '10s', verbose: true })).toEqual({ success: true, error: '' });
    const init = traffic.find((t) => t.message.message?.$case === 'init')!.message.message!;
    expect(init.value).toEqual({
      options: [raw.option('failAt', raw.int(3n)), raw.option('period', raw.duration(10_000_000_000n)), raw.option('verbose')],
      taskID: 't',
      nodeID: 'collector1',
    });
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'verbose on' }));
    await h.close();
  });

  it('lets a test assert on an InitResponse error', async () => {
    const h = await UdfHarness.create(Collector);
    const response = await h.init([raw.option('failAt', raw.string('three'))]);
    expect(response.success).toBe(false);
    expect(response.error).toMatch(/failAt/);
    await h.close();
  });

  it('fails create() when the given options are refused', async () => {
    await expect(UdfHarness.create(Collector, { options: [raw.option('verbose', raw.bool(true))] })).rejects.toMatchObject({
      code: 'ERR_INIT_FAILED',
    });
  });

  it("surfaces a handler's failure (an ErrorResponse) on the call that caused it", async () => {
    const h = await UdfHarness.create(Collector, { options: { failAt: 2n } });
    await h.point(point());
    await expect(h.point(point())).rejects.toMatchObject({
      code: 'ERR_UDF_ERROR',
      message: expect.stringContaining('point 2 is the one to fail at'),
    });
    expect(h.responses.at(-1)?.message?.$case).toBe('error');
    // Already reported: close() does not throw it again.
    await h.close();
  });

  it("applies udf-run's message and batch limits when given, so a test can pin what a too-large input does", async () => {
    const entries = await UdfHarness.create(Collector, { options: {}, maxMessageEntries: 10 });
    await entries.point(point({ tags: { a: '1', b: '2' } }));
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, 'x']));
    await expect(entries.point(point({ tags: wide }))).rejects.toMatchObject({
      code: 'ERR_UDF_ERROR',
      message: expect.stringMatching(/entries.*maxMessageEntries/s),
    });
    await entries.close();

    const batches = await UdfHarness.create(BatchCounter, { options: {}, maxBatchPoints: 2 });
    expect(pointsOf(await batches.batch(batch({ points: [point(), point()] })))).toHaveLength(1);
    await expect(batches.batch(batch({ points: [point(), point(), point()] }))).rejects.toMatchObject({
      code: 'ERR_UDF_ERROR',
      message: expect.stringContaining('maxBatchPoints'),
    });
    await batches.close();
  });

  it("carries the handler's own error, with its stack, as the HarnessError's cause", async () => {
    const h = await UdfHarness.create(Collector, { options: { failAt: 1n } });
    const error = await h.point(point()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'ERR_UDF_ERROR' });
    const cause = error!.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toMatch(/point 1 is the one to fail at/);
    expect(cause.stack).toMatch(/harness\.test\.ts:\d+/);
    await h.close();
  });

  it('takes and restores snapshots', async () => {
    const first = await UdfHarness.create(Collector, { options: {} });
    await first.points([point(), point(), point()]);
    const bytes = await first.snapshot();
    expect(bytes.length).toBeGreaterThan(0);
    await first.close();

    const second = await UdfHarness.create(Collector, { options: {} });
    expect(await second.restore(bytes)).toEqual({ success: true, error: '' });
    await second.point(point({ time: 9n }));
    expect(pointsOf(await second.close()).map((p) => p.fieldsInt.seen)).toEqual([4n]);
  });

  it('refuses garbage snapshots with a RestoreResponse, not a crash', async () => {
    const h = await UdfHarness.create(Collector, { options: {} });
    const response = await h.restore(Buffer.from('not a snapshot'));
    expect(response.success).toBe(false);
    expect(response.error).not.toBe('');
    await h.close();
  });

  it('echoes keepalives and answers Info', async () => {
    const h = await UdfHarness.create(SlowEcho);
    expect(await h.keepalive(123n)).toEqual({ time: 123n });
    const info = await h.info();
    expect(info.options).toEqual({});
    // The harness's own barriers are not among the responses.
    await h.init({});
    await h.point(point());
    expect(h.responses.map((r) => r.message?.$case)).toEqual(['keepalive', 'info', 'init', 'point', 'point']);
    await h.close();
  });
});

describe('UdfHarness.spawn (over a pipe to udf-run)', () => {
  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  /** One scenario, run in memory and over the pipe below. */
  async function mirrorScenario(h: UdfHarness): Promise<void> {
    const p = point({ name: 'cpu', time: 1_700_000_000_000_000_000n, tags: { host: 'a' }, fields: { x: 1.5, n: 2n, s: 'v', b: true } });
    const [out] = pointsOf(await h.point(p));
    expect(out).toEqual({ ...p, fieldsDouble: { x: 1.5, f: 7 } });
    expect(await h.keepalive(42n)).toEqual({ time: 42n });
    expect((await h.snapshot()).length).toBe(0);
    expect(await h.close()).toEqual([]);
  }

  it('runs the same scenario in memory and over a pipe', async () => {
    // The mirror example's class, loaded from its sources for the in-memory run.
    const { Mirror } = await import('../../../examples/mirror/src');
    await mirrorScenario(await UdfHarness.create(Mirror, { options: { field: ['f', 7.0] } }));
    await mirrorScenario(
      await UdfHarness.spawn('mirror', { cwd: resolve(__dirname, '../../../examples/mirror'), options: { field: ['f', 7.0] } }),
    );
  });

  it('returns what an async handler emitted, though keepalives may overtake it', async () => {
    await asyncScenario(await UdfHarness.spawn('slowEcho', { module: FIXTURE, options: {} }));
  });

  it("reports a UDF that cannot start, with udf-run's message", async () => {
    await expect(UdfHarness.spawn('noSuchUdf', { cwd: resolve(__dirname, '../../../examples/mirror') })).rejects.toMatchObject({
      code: 'ERR_UDF_EXIT',
      message: expect.stringContaining('noSuchUdf'),
    });
  });
});

describe('UdfHarness with calls not awaited one by one', () => {
  it('settles every call (each returns what was emitted from its start until it settled)', async () => {
    const h = await UdfHarness.create(SlowEcho, { options: {} });
    const [a, b] = await Promise.all([h.point(point({ name: 'a' })), h.point(point({ name: 'b' }))]);
    expect(
      pointsOf(a)
        .map((p) => p.name)
        .slice(0, 2),
    ).toEqual(['a', 'a_copy']);
    expect(
      pointsOf(b)
        .map((p) => p.name)
        .slice(-2),
    ).toEqual(['b', 'b_copy']);
    expect(pointsOf(h.emitted).map((p) => p.name)).toEqual(['a', 'a_copy', 'b', 'b_copy']);
    await h.close();
  });
});
