/**
 * Collected @OnBatch batches count in the thread's retained memory budget
 * (issue 20, item 1): charged at the points' estimated heap size while they
 * are collected and until @OnBatch is done with them; over the budget the
 * connection holding the most is failed, never a bystander.
 */
import { Agent, estimatePointHeapBytes, MemoryBudget, type Request } from '@kapacitor-udf/core';
import { type Batch, createHandler, OnBatch, Udf, type UdfClass } from '@kapacitor-udf/decorators';
import { MemoryLogger, WirePeer } from '@kapacitor-udf/testing';
import { begin, end, init, makePoint, point } from './helpers/conversation';

type RequestMessage = NonNullable<Request['message']>;

function connection(cls: UdfClass, budget: MemoryBudget) {
  const k = WirePeer.inMemory();
  const agent = new Agent({
    input: k.toUdf,
    output: k.fromUdf,
    handler: (emitter) =>
      createHandler(cls, emitter, { logger: new MemoryLogger(), optionNames: { maxRetainedSize: '--max-retained-size' } }),
    logger: new MemoryLogger(),
    memoryBudget: budget,
  });
  const done = agent.start().catch((err: Error) => err);
  const send = (...m: RequestMessage[]) => {
    for (const x of m) k.send(x);
  };
  return { k, agent, done, send };
}

/** Sends a keepalive and waits for its answer: every request before it was read. */
async function sync(c: ReturnType<typeof connection>, n: number): Promise<void> {
  c.k.send({ $case: 'keepalive', value: { time: BigInt(n) } });
  await c.k.until(() => c.k.count('keepalive') === n, `keepalive ${n}`);
}

@Udf({ wants: 'batch', provides: 'batch' })
class Echo {
  @OnBatch() b(batch: Batch): Batch {
    return batch;
  }
}

let release: () => void = () => undefined;
@Udf({ wants: 'batch', provides: 'batch' })
class SlowEcho {
  @OnBatch() async b(batch: Batch): Promise<Batch> {
    await new Promise<void>((r) => (release = r));
    return batch;
  }
}

const fields = (i: number) => ({ time: BigInt(i), fieldsDouble: { value: i }, fieldsString: { s: 'x'.repeat(200) } });
const p = (i: number) => point(fields(i));
const perPoint = estimatePointHeapBytes(makePoint(fields(0)));

test('a collected batch is charged while collected and given back after @OnBatch', async () => {
  const budget = new MemoryBudget(100_000_000);
  const c = connection(Echo, budget);
  c.send(init(), begin({ name: 'cpu' }));
  for (let i = 0; i < 100; i++) c.send(p(i));
  await sync(c, 1);
  expect(budget.used).toBeGreaterThanOrEqual(100 * perPoint - 100);
  c.send(end({ name: 'cpu' }));
  await c.k.until(() => c.k.count('end') === 1, 'the batch back');
  expect(c.k.count('point')).toBe(100);
  expect(budget.used).toBe(0);
  c.k.endInput();
  await c.done;
  expect(budget.accountCount).toBe(0);
});

test('an async @OnBatch keeps its batch charged until it settles', async () => {
  const budget = new MemoryBudget(100_000_000);
  const c = connection(SlowEcho, budget);
  c.send(init(), begin({ name: 'cpu' }));
  for (let i = 0; i < 50; i++) c.send(p(i));
  c.send(end({ name: 'cpu' }));
  await sync(c, 1);
  const held = budget.used;
  expect(held).toBeGreaterThanOrEqual(50 * perPoint - 100);
  release();
  await c.k.until(() => c.k.count('end') === 1, 'the batch back');
  expect(budget.used).toBe(0);
  c.k.endInput();
  await c.done;
});

test('over the budget the connection collecting the largest batch is failed; the bystander completes its batch', async () => {
  const budget = new MemoryBudget(300 * perPoint);
  const hog = connection(Echo, budget);
  const bystander = connection(Echo, budget);
  hog.send(init(), begin({ name: 'cpu' }));
  bystander.send(init(), begin({ name: 'cpu' }));
  for (let i = 0; i < 50; i++) bystander.send(p(i));
  await sync(bystander, 1);
  // The hog's points take the budget over its limit; the bystander's next ones too, but the hog holds the most.
  for (let i = 0; i < 260; i++) hog.send(p(i));
  await hog.k.until(() => hog.k.count('error') === 1, 'the hog failed');
  for (let i = 50; i < 100; i++) bystander.send(p(i));
  bystander.send(end({ name: 'cpu' }));
  await bystander.k.until(() => bystander.k.count('end') === 1, 'the bystander batch back');
  expect(bystander.k.count('point')).toBe(100);
  expect(bystander.k.count('error')).toBe(0);
  expect(hog.k.count('error')).toBe(1);
  expect(hog.k.of('error')[0].error).toMatch(/held the most memory .*\(maxRetainedSize\)/);
  expect(await hog.done).toMatchObject({ code: 'ERR_RETAINED_MEMORY_BUDGET' });
  expect(budget.evictions).toBe(1);
  bystander.k.endInput();
  await bystander.done;
  expect(budget.used).toBe(0);
});
