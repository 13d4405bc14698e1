// Kapacitor's side is the testing kit's byte-level peer (see agent.test.ts for why core's tests may use it).
import { getHeapStatistics } from 'node:v8';
import { WirePeer } from '@kapacitor-udf/testing';
import { Agent } from '../src/agent';
import type { Handler } from '../src/handler';
import { estimatePointHeapBytes, estimateStringHeapBytes } from '../src/heap-estimate';
import { silentLogger } from '../src/logger';
import { DEFAULT_RETAINED_HEAP_SHARE, defaultMaxRetainedSize, MemoryBudget } from '../src/memory-budget';
import { deferred, mirrorHandler as mirror } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

// One budget per thread for what connections hold (issue 20, item 1): when
// it is exhausted the connection holding the most is failed, whichever
// connection's bytes crossed the limit.

describe('MemoryBudget', () => {
  test('the largest holder is evicted, not the small one whose bytes crossed the limit', () => {
    const budget = new MemoryBudget(1000, { maxRetainedSize: '--max-retained-size' });
    const evicted: string[] = [];
    const big = budget.open((e) => evicted.push(`big: ${e.message}`));
    const mid = budget.open(() => evicted.push('mid'));
    const small = budget.open(() => evicted.push('small'));
    let dropped = false;
    big.onEvicted(() => (dropped = true));
    expect(big.hold(600)).toBe(true);
    expect(mid.hold(300)).toBe(true);
    expect(small.hold(50)).toBe(true);
    // The small one crosses the limit: the big one goes, the small one goes on.
    expect(small.hold(100)).toBe(true);
    expect(evicted).toHaveLength(1);
    expect(evicted[0]).toMatch(
      /^big: this connection held the most memory \(600 bytes\) .* held 1050 bytes .* their 1000 bytes budget \(maxRetainedSize\).*raise --max-retained-size/,
    );
    expect(dropped).toBe(true);
    expect(big.closed).toBe(true);
    expect(budget.used).toBe(450);
    expect(budget.evictions).toBe(1);
    // Charges of an evicted account are ignored.
    expect(big.hold(10_000)).toBe(false);
    expect(budget.used).toBe(450);
  });

  test('a connection that is itself the largest holder is failed by its own charge (hold returns false)', () => {
    const budget = new MemoryBudget(1000);
    const reasons: string[] = [];
    const other = budget.open(() => reasons.push('other'));
    const hog = budget.open((e) => reasons.push(e.code));
    other.hold(100);
    expect(hog.hold(800)).toBe(true);
    expect(hog.hold(200)).toBe(false);
    expect(reasons).toEqual(['ERR_RETAINED_MEMORY_BUDGET']);
    expect(budget.used).toBe(100);
  });

  test('several evictions until the budget fits; drop and close give bytes back', () => {
    const budget = new MemoryBudget(1000);
    const out: number[] = [];
    const accounts = [400, 300, 200].map((n, i) => {
      const a = budget.open(() => out.push(i));
      a.hold(n);
      return a;
    });
    const newcomer = budget.open(() => out.push(9));
    newcomer.hold(650);
    // 1550 held: the 650 (newcomer, the largest) goes first, then it fits (900).
    expect(out).toEqual([9]);
    accounts[0].drop(5000); // never below zero
    expect(budget.used).toBe(500);
    for (const a of accounts) a.close();
    expect(budget.used).toBe(0);
    expect(budget.accountCount).toBe(0);
  });

  test("the default limit is half of this thread's heap limit", () => {
    expect(DEFAULT_RETAINED_HEAP_SHARE).toBe(0.5);
    expect(defaultMaxRetainedSize()).toBe(Math.floor(getHeapStatistics().heap_size_limit / 2));
    expect(new MemoryBudget().limit).toBe(defaultMaxRetainedSize());
    expect(() => new MemoryBudget(0)).toThrow(/maxRetainedSize must be an integer number of bytes >= 1/);
  });
});

describe('heap estimate', () => {
  test('counts characters, two bytes each when one is beyond U+00FF', () => {
    expect(estimateStringHeapBytes('a'.repeat(1000))).toBe(1016);
    expect(estimateStringHeapBytes(`${'a'.repeat(999)}中`)).toBe(2016);
  });

  test('grows with entries, keys and string values; more per entry past 16 entries (hash-table maps)', () => {
    const base = estimatePointHeapBytes(point({ tags: {}, fieldsDouble: {} }));
    const ints = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`i${i}`, BigInt(i)]));
    const ten = estimatePointHeapBytes(point({ tags: {}, fieldsDouble: {}, fieldsInt: ints(10) }));
    const forty = estimatePointHeapBytes(point({ tags: {}, fieldsDouble: {}, fieldsInt: ints(40) }));
    // Calibrated (heap-estimate.ts): 10 int fields measured 568 B, 40 measured 2,787 B.
    expect(ten).toBeGreaterThanOrEqual(568);
    expect(forty).toBeGreaterThanOrEqual(2787);
    expect((forty - base) / 40).toBeGreaterThan((ten - base) / 10);
    const str = estimatePointHeapBytes(point({ tags: {}, fieldsDouble: {}, fieldsString: { s: 'x'.repeat(1_000_000) } }));
    expect(str - base).toBeGreaterThan(1_000_000);
  });
});

describe('Agent and the memory budget', () => {
  function connection(budget: MemoryBudget, handler?: (e: import('../src/handler').Emitter) => Handler) {
    const k = WirePeer.inMemory();
    const agent = new Agent({
      input: k.toUdf,
      output: k.fromUdf,
      handler: handler ?? ((e) => mirror(e)),
      logger: silentLogger,
      memoryBudget: budget,
      optionNames: { maxRetainedSize: '--max-retained-size' },
    });
    const done = agent.start().catch((err: Error) => err);
    return { k, agent, done };
  }

  test('requests queued behind a pending handler are charged decoded; over the budget the largest queue is failed, not the bystander', async () => {
    const budget = new MemoryBudget(3_000_000, { maxRetainedSize: '--max-retained-size' });
    const gate = deferred();
    const waiting = (e: import('../src/handler').Emitter): Handler => mirror(e, { point: () => gate.promise });
    const hog = connection(budget, waiting);
    const bystander = connection(budget, waiting);
    const big = point({ fieldsString: { s: 'x'.repeat(100_000) } });
    bystander.k.send(req.point(point()), req.point(point()));
    await tick(5);
    const bystanderHeld = bystander.agent.retained.held;
    expect(bystanderHeld).toBeGreaterThan(0); // the second point waits behind the first, decoded
    // 40 points of 100 kB queue behind the pending first one: 4 MB of strings.
    for (let i = 0; i < 40; i++) hog.k.send(req.point(big));
    await tick(20);
    expect(hog.k.count('error')).toBe(1);
    expect(hog.k.of('error')[0].error).toMatch(/held the most memory .*\(maxRetainedSize\).*raise --max-retained-size/);
    expect(await hog.done).toMatchObject({ code: 'ERR_RETAINED_MEMORY_BUDGET' });
    expect(budget.used).toBe(bystanderHeld);
    // The bystander goes on: keepalives answered, its points handled once the handler settles.
    bystander.k.send(req.keepalive(3n));
    await tick(5);
    expect(bystander.k.count('keepalive')).toBe(1);
    expect(bystander.k.count('error')).toBe(0);
    gate.resolve();
    bystander.agent.close();
    await bystander.done;
    expect(budget.used).toBe(0);
    expect(budget.accountCount).toBe(0);
  });

  test('a partial frame is charged while it is incomplete, and given back when it completes', async () => {
    const budget = new MemoryBudget(10_000_000);
    const c = connection(budget);
    const { encodeFrame } = await import('../src/encode-frame');
    const { encodeRequest } = await import('../src/codec');
    const frame = Buffer.from(encodeFrame(encodeRequest({ message: req.point(point({ fieldsString: { s: 'y'.repeat(50_000) } })) })));
    c.k.sendRaw(frame.subarray(0, 30_000));
    await tick(5);
    expect(budget.used).toBeGreaterThanOrEqual(29_000);
    c.k.sendRaw(frame.subarray(30_000));
    await tick(5);
    expect(c.k.count('point')).toBe(1);
    expect(budget.used).toBe(0);
    c.agent.close();
    await c.done;
  });
});
