import {
  type Batch,
  type BeginBatch,
  describeUdf,
  type EndBatch,
  OnBatch,
  OnBeginBatch,
  OnEndBatch,
  OnPoint,
  type Point,
  Udf,
  type UdfContext,
  UdfDefinitionError,
} from '@kapacitor-udf/decorators';
import { begin, Conversation, end, init, point } from './helpers/conversation';

const cpu = (time: bigint, value: number, host = 'a') => point({ time, tags: { host }, fieldsDouble: { value } });

@Udf({ wants: 'stream', provides: 'stream', onError: 'skip' })
class Picky {
  @OnPoint() p(p: Point): Point | Promise<Point> {
    const v = p.fieldsDouble.value;
    if (v < 0) throw new Error(`negative value ${v}`);
    if (v === 13) return { name: 'no time' } as unknown as Point; // an invalid result
    if (v === 99) return Promise.reject(new Error('async failure'));
    return p;
  }
}

@Udf({ wants: 'stream', provides: 'stream' })
class PickyFailing {
  @OnPoint() p(p: Point): Point {
    if (p.fieldsDouble.value < 0) throw new Error('negative value');
    return p;
  }
}

describe("onError: 'skip'", () => {
  it('drops the failing points, logs and counts each, and the task goes on', async () => {
    const skipped: unknown[] = [];
    const c = new Conversation(Picky, { onSkip: (error) => skipped.push(error) });
    c.send(
      init([], { taskID: 't1', nodeID: 'udf2' }),
      cpu(1n, 1),
      cpu(2n, -1, 'b'),
      cpu(3n, 13),
      cpu(4n, 99),
      cpu(1_700_000_000_000_000_001n, 2),
    );
    const responses = await c.finish();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'point']);
    expect(c.all('point').map((p) => p.time)).toEqual([1n, 1_700_000_000_000_000_001n]);
    expect(skipped).toHaveLength(3);
    const lines = c.logger.entries.filter((e) => e.level === 'warn' && e.msg.includes('skipped a point'));
    expect(lines).toHaveLength(3);
    expect(lines[0].fields).toMatchObject({
      taskID: 't1',
      nodeID: 'udf2',
      series: 'cpu,host=b',
      pointTime: '1970-01-01T00:00:00.000000002Z',
      error: expect.stringContaining('negative value -1'),
      skipped: 1,
    });
    expect(lines[1].fields).toMatchObject({ code: 'ERR_INVALID_RESULT', pointTime: '1970-01-01T00:00:00.000000003Z' });
    expect(lines[2].fields).toMatchObject({ error: expect.stringContaining('async failure'), skipped: 3 });
  });

  it('is overridden by the onError option (the command line wins)', async () => {
    const c = new Conversation(Picky, { onError: 'fail' });
    c.send(init(), cpu(1n, 1), cpu(2n, -1), cpu(3n, 1));
    const { error, responses } = await c.finishWithError();
    expect((error as Error).message).toContain('negative value -1');
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'error']);

    const skipping = new Conversation(PickyFailing, { onError: 'skip' });
    skipping.send(init(), cpu(1n, 1), cpu(2n, -1), cpu(3n, 1));
    expect((await skipping.finish()).map((r) => r.$case)).toEqual(['init', 'point', 'point']);
  });

  it("keeps 'fail' as the default: one bad point ends the task", async () => {
    const c = new Conversation(PickyFailing);
    c.send(init(), cpu(1n, -1), cpu(2n, 1));
    const { responses } = await c.finishWithError();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'error']);
  });

  it('rate-limits the log lines but counts every skipped point', async () => {
    const skipped: unknown[] = [];
    const c = new Conversation(Picky, { onSkip: (error) => skipped.push(error) });
    c.send(init());
    for (let i = 0; i < 50; i++) c.send(cpu(BigInt(i), -1));
    c.send(cpu(100n, 1));
    await c.finish();
    expect(skipped).toHaveLength(50);
    const lines = c.logger.entries.filter((e) => e.msg.includes('skipped a point'));
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThan(50);
    expect(c.all('point').map((p) => p.time)).toEqual([100n]);
  });

  it('skips a whole batch whose @OnBatch throws, and emits the next one', async () => {
    @Udf({ wants: 'batch', provides: 'batch', onError: 'skip' })
    class Batches {
      @OnBatch() b(batch: Batch): Batch {
        if (batch.points.some((p) => p.fieldsDouble.value < 0)) throw new Error('bad batch');
        return batch;
      }
    }
    const c = new Conversation(Batches);
    c.send(init(), begin({ name: 'm', tags: { host: 'x' } }), cpu(1n, -1), end({ name: 'm', tags: { host: 'x' }, tmax: 5n }));
    c.send(begin({ name: 'm' }), cpu(6n, 1), end({ name: 'm', tmax: 6n }));
    const responses = await c.finish();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'begin', 'point', 'end']);
    const line = c.logger.entries.find((e) => e.msg.includes('skipped a batch'));
    expect(line?.fields).toMatchObject({ series: 'm,host=x', pointTime: '1970-01-01T00:00:00.000000005Z' });
  });

  it('still ends the task when an @OnEndBatch fails with its output batch open', async () => {
    @Udf({ wants: 'batch', provides: 'batch', onError: 'skip' })
    class HalfBatch {
      @OnBeginBatch() b(b: BeginBatch): BeginBatch {
        return b;
      }
      @OnPoint() p(p: Point, ctx: UdfContext): void {
        ctx.emit(p);
      }
      @OnEndBatch() e(_end: EndBatch): void {
        throw new Error('end failed');
      }
    }
    // @OnBeginBatch opened the output batch: it is open when @OnEndBatch throws.
    const c = new Conversation(HalfBatch);
    c.send(init(), begin({ name: 'm' }), cpu(1n, 1), end({ name: 'm', tmax: 1n }));
    const { error } = await c.finishWithError();
    expect((error as Error).message).toContain('output batch open');
  });

  it('is declared: describeUdf reports it, and a wrong value is a definition error', () => {
    expect(describeUdf(Picky).onError).toBe('skip');
    expect(describeUdf(PickyFailing).onError).toBe('fail');
    expect(() => {
      @Udf({ wants: 'stream', provides: 'stream', onError: 'ignore' as 'skip' })
      class Wrong {
        @OnPoint() p(p: Point) {
          return p;
        }
      }
      return Wrong;
    }).toThrow(UdfDefinitionError);
  });
});
