import {
  type Batch,
  type BeginBatch,
  type EndBatch,
  OnBatch,
  OnBeginBatch,
  OnEndBatch,
  OnInit,
  OnPoint,
  OnStop,
  Option,
  type Point,
  Udf,
  type UdfContext,
} from '@kapacitor-udf/decorators';
import { begin, Conversation, converse, end, init, makePoint, point } from './helpers/conversation';

const cpu = (time: bigint, value: number) => point({ time, fieldsDouble: { value } });

describe('stream handlers', () => {
  @Udf({ wants: 'stream', provides: 'stream' })
  class Mirror {
    @OnPoint() p(p: Point) {
      return p;
    }
  }

  it('the simplest mirror emits each point back unchanged', async () => {
    const big = 1_700_000_000_123_456_789n;
    const responses = await converse(
      Mirror,
      init(),
      point({ time: big, tags: { host: 'a' }, fieldsInt: { n: -(2n ** 63n) }, dimensions: ['host'] }),
      cpu(2n, 1.5),
    );
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'point']);
    expect(responses[1].value).toEqual(makePoint({ time: big, tags: { host: 'a' }, fieldsInt: { n: -(2n ** 63n) }, dimensions: ['host'] }));
    expect(responses[2].value).toEqual(makePoint({ time: 2n, fieldsDouble: { value: 1.5 } }));
  });

  it('emits arrays, nothing, and resolved promises, in order', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Shapes {
      @OnPoint() p(p: Point): Point | Point[] | void | Promise<Point | undefined> {
        const v = p.fieldsDouble.value;
        if (v === 0) return; // filtered
        if (v === 1) return [p, { ...p, name: 'copy' }];
        if (v === 2) return new Promise((resolve) => setTimeout(() => resolve({ ...p, name: 'late' }), 5));
        if (v === 3) return Promise.resolve(undefined);
        return p;
      }
    }
    const responses = await converse(Shapes, init(), cpu(1n, 0), cpu(2n, 1), cpu(3n, 2), cpu(4n, 3), cpu(5n, 4));
    expect(responses.slice(1).map((r) => [(r.value as Point).time, (r.value as Point).name])).toEqual([
      [2n, 'cpu'],
      [2n, 'copy'],
      [3n, 'late'],
      [5n, 'cpu'],
    ]);
  });

  it('a throwing @OnPoint becomes an ErrorResponse that ends the conversation', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Throws {
      @OnPoint() p(p: Point) {
        if (p.time === 2n) throw new Error('bad point');
        return p;
      }
    }
    const { responses } = await new Conversation(Throws).send(init(), cpu(1n, 1), cpu(2n, 1), cpu(3n, 1)).finishWithError();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'error']);
    expect((responses[2].value as { error: string }).error).toContain('bad point');
  });

  it('a rejecting async @OnPoint becomes an ErrorResponse too', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Rejects {
      @OnPoint() async p() {
        throw new Error('async failure');
      }
    }
    const { responses } = await new Conversation(Rejects).send(init(), cpu(1n, 1)).finishWithError();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'error']);
    expect((responses[1].value as { error: string }).error).toContain('async failure');
  });

  it('a stream UDF receiving a batch fails with a clear error', async () => {
    const { responses } = await new Conversation(Mirror).send(init(), begin()).finishWithError();
    expect((responses.at(-1)!.value as { error: string }).error).toContain("Mirror: received a BeginBatch, but it wants 'stream'");
  });

  it('a stream output cannot emit batches', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class WrongOutput {
      @OnPoint() p(p: Point, ctx: UdfContext) {
        ctx.emitBatch({ begin: { name: 'x', group: '', tags: {}, size: 0n, byName: false }, points: [p], end: {} as EndBatch });
      }
    }
    const { responses } = await new Conversation(WrongOutput).send(init(), cpu(1n, 1)).finishWithError();
    expect((responses.at(-1)!.value as { error: string }).error).toContain(
      "WrongOutput provides 'stream' and cannot beginBatch; emit points with emit(), or set provides: 'batch'",
    );
  });
});

describe('the context: ids, emitting at any time, stop', () => {
  it('emits from a timer started in @OnInit, and flushes in async @OnStop', async () => {
    @Udf({ wants: 'stream', provides: 'stream', name: 'ticker' })
    class Ticker {
      @Option({ type: 'int', int: 'number' }) everyMs = 5;
      private timer?: NodeJS.Timeout;
      private pending: Point[] = [];
      private ctx?: UdfContext;

      @OnInit() start(ctx: UdfContext) {
        this.ctx = ctx;
        let n = 0n;
        this.timer = setInterval(() => ctx.emit(makePoint({ name: `tick-${ctx.taskID}-${ctx.nodeID}`, time: n++ })), this.everyMs);
      }

      @OnPoint() hold(p: Point) {
        this.pending.push(p);
      }

      @OnStop() async flush(ctx: UdfContext) {
        clearInterval(this.timer);
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(ctx).toBe(this.ctx);
        ctx.emit(this.pending);
      }
    }
    const conversation = new Conversation(Ticker).send(init([], { taskID: 'cpu_alert', nodeID: 'udf1' }));
    const tick = await conversation.next('point');
    expect(tick.name).toBe('tick-cpu_alert-udf1');
    expect(tick.time).toBe(0n);
    conversation.send(cpu(100n, 1), cpu(101n, 2));
    const responses = await conversation.finish();
    const held = responses.filter((r) => r.$case === 'point' && r.value.name === 'cpu').map((r) => (r.value as Point).time);
    expect(held).toEqual([100n, 101n]);
    expect(responses.at(-1)!.$case).toBe('point'); // the flush came last, after every tick
  });
});

describe('batch handlers', () => {
  const input = [
    begin({ name: 'cpu', group: 'g', tags: { host: 'a' }, size: 3n }),
    cpu(1n, 1),
    cpu(2n, 2),
    cpu(3n, 3),
    end({ name: 'cpu', group: 'g', tags: { host: 'a' }, tmax: 3n }),
  ];

  it('@OnBatch receives the whole batch; a returned batch is emitted with begin.size = points.length', async () => {
    const received: Batch[] = [];
    @Udf({ wants: 'batch', provides: 'batch' })
    class KeepEven {
      @OnBatch() b(batch: Batch): Batch {
        received.push(batch);
        return { ...batch, points: batch.points.filter((p) => p.time % 2n === 0n) };
      }
    }
    const responses = await converse(KeepEven, init(), ...input);
    expect(received).toHaveLength(1);
    expect(received[0].points.map((p) => p.time)).toEqual([1n, 2n, 3n]);
    expect(received[0].begin.tags).toEqual({ host: 'a' });
    expect(received[0].end.tmax).toBe(3n);
    expect(responses.map((r) => r.$case)).toEqual(['init', 'begin', 'point', 'end']);
    expect((responses[1].value as BeginBatch).size).toBe(1n);
    expect((responses[1].value as BeginBatch).tags).toEqual({ host: 'a' });
    expect((responses[3].value as EndBatch).tmax).toBe(3n);
  });

  it('@OnBatch may aggregate to points for a stream output, or return several batches asynchronously', async () => {
    @Udf({ wants: 'batch', provides: 'stream' })
    class Count {
      @OnBatch() b(batch: Batch) {
        return makePoint({ name: 'count', time: batch.end.tmax, fieldsInt: { n: BigInt(batch.points.length) } });
      }
    }
    const counted = await converse(Count, init(), ...input);
    expect(counted.map((r) => r.$case)).toEqual(['init', 'point']);
    expect((counted[1].value as Point).fieldsInt).toEqual({ n: 3n });

    @Udf({ wants: 'batch', provides: 'batch' })
    class Split {
      @OnBatch() async b(batch: Batch): Promise<Batch[]> {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return batch.points.map((p) => ({ begin: batch.begin, points: [p], end: batch.end }));
      }
    }
    const split = await converse(Split, init(), ...input);
    expect(split.map((r) => r.$case)).toEqual(['init', ...Array(3).fill(['begin', 'point', 'end']).flat()]);
  });

  it('a point-mapping batch UDF (only @OnPoint) passes BeginBatch/EndBatch through', async () => {
    @Udf({ wants: 'batch', provides: 'batch' })
    class Double {
      @OnPoint() p(p: Point) {
        return { ...p, fieldsDouble: { value: p.fieldsDouble.value * 2 } };
      }
    }
    const responses = await converse(Double, init(), ...input);
    expect(responses.map((r) => r.$case)).toEqual(['init', 'begin', 'point', 'point', 'point', 'end']);
    expect(responses[1].value).toEqual(input[0].value);
    expect(responses.slice(2, 5).map((r) => (r.value as Point).fieldsDouble.value)).toEqual([2, 4, 6]);
    expect(responses[5].value).toEqual(input[4].value);
  });

  it('a batch UDF providing a stream gets batch points but emits no batch boundaries', async () => {
    @Udf({ wants: 'batch', provides: 'stream' })
    class Flatten {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const responses = await converse(Flatten, init(), ...input);
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'point', 'point']);
  });

  it('@OnBeginBatch / @OnEndBatch results are emitted; returning nothing emits nothing', async () => {
    @Udf({ wants: 'batch', provides: 'batch' })
    class Sum {
      private sum = 0;
      @OnBeginBatch() start(b: BeginBatch) {
        this.sum = 0;
        return { ...b, name: 'sum', size: 1n };
      }
      @OnPoint() add(p: Point) {
        this.sum += p.fieldsDouble.value;
      }
      @OnEndBatch() finish(e: EndBatch, ctx: UdfContext) {
        ctx.emit(makePoint({ name: 'sum', time: e.tmax, fieldsDouble: { sum: this.sum } }));
        return { ...e, name: 'sum' };
      }
    }
    const responses = await converse(Sum, init(), ...input);
    expect(responses.map((r) => r.$case)).toEqual(['init', 'begin', 'point', 'end']);
    expect((responses[2].value as Point).fieldsDouble).toEqual({ sum: 6 });
    expect((responses[1].value as BeginBatch).name).toBe('sum');

    @Udf({ wants: 'batch', provides: 'batch' })
    class Silent {
      @OnBeginBatch() b() {}
      @OnEndBatch() async e() {}
    }
    expect((await converse(Silent, init(), ...input)).map((r) => r.$case)).toEqual(['init']);
  });

  it('a batch UDF emitting a point outside an output batch fails clearly', async () => {
    @Udf({ wants: 'batch', provides: 'batch' })
    class Loose {
      @OnBatch() b(batch: Batch) {
        return batch.points; // points, but no batch around them
      }
    }
    const { responses } = await new Conversation(Loose).send(init(), ...input).finishWithError();
    expect((responses.at(-1)!.value as { error: string }).error).toContain(
      "Loose provides 'batch' and emitted a point outside a batch; emit it between beginBatch and endBatch, or use emitBatch({ begin, points, end })",
    );
  });

  it('an EndBatch emitted without a BeginBatch never reaches Kapacitor', async () => {
    @Udf({ wants: 'batch', provides: 'batch' })
    class Unbalanced {
      @OnEndBatch() e(e: EndBatch) {
        return e;
      }
    }
    const { responses } = await new Conversation(Unbalanced).send(init(), ...input).finishWithError();
    expect(responses.map((r) => r.$case)).toEqual(['init', 'error']);
    expect((responses[1].value as { error: string }).error).toContain('Unbalanced ended an output batch it never began');
  });

  it('@OnBatch rejects input outside a batch, and logs a batch cut short by the end of input', async () => {
    @Udf({ wants: 'batch', provides: 'batch' })
    class Collect {
      @OnBatch() b(batch: Batch) {
        return batch;
      }
    }
    const stray = await new Conversation(Collect).send(init(), cpu(1n, 1)).finishWithError();
    expect((stray.responses.at(-1)!.value as { error: string }).error).toContain(
      'Collect: received a point outside a batch (no BeginBatch before it)',
    );

    const cut = new Conversation(Collect).send(init(), begin(), cpu(1n, 1));
    expect((await cut.finish()).map((r) => r.$case)).toEqual(['init']);
    expect(cut.logger.entries.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        msg: 'input ended inside a batch; its points were not processed',
        fields: { udf: 'Collect', points: 1 },
      },
    ]);
  });
});
