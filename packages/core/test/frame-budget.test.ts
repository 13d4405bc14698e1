// Kapacitor's side is the testing kit's byte-level peer (see agent.test.ts for why core's tests may use it).
import { WirePeer } from '@kapacitor-udf/testing';
import { Agent } from '../src/agent';
import { encodeRequest } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { FrameBudget } from '../src/frame-budget';
import { silentLogger } from '../src/logger';
import { mirrorHandler as mirror } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

// The shared partial-frame budget is fair (issue 20, item 4): the holder
// whose frame has been incomplete the longest is evicted, not the
// connection whose bytes happened to cross the limit; each connection's
// first `reserve` bytes are its own.

function connection(budget: FrameBudget) {
  const k = WirePeer.inMemory();
  const agent = new Agent({ input: k.toUdf, output: k.fromUdf, handler: (e) => mirror(e), logger: silentLogger, frameBudget: budget });
  const done = agent.start().catch((err: Error) => err);
  return { k, agent, done };
}

/** A length prefix for `declared` bytes, then `sent` of them. */
function partial(declared: number, sent: number): Uint8Array {
  const prefix: number[] = [];
  let n = declared;
  while (n >= 0x80) {
    prefix.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  prefix.push(n);
  return Buffer.concat([Buffer.from(prefix), Buffer.alloc(sent)]);
}

test('hogs holding the budget are evicted, oldest first; the busy connection that crossed the limit goes on', async () => {
  const budget = new FrameBudget(30_000, 1000);
  const hogs = [connection(budget), connection(budget), connection(budget)];
  for (const h of hogs) {
    h.k.sendRaw(partial(20_000, 9_900));
    await tick(3);
  }
  expect(budget.used).toBe(3 * 8_900);
  const busy = connection(budget);
  // A 6,000-byte point arriving in two pieces: its first piece takes the budget over the limit.
  const bytes = Buffer.from(
    encodeFrame(encodeRequest({ message: req.point(point({ name: 'busy', fieldsString: { s: 'x'.repeat(6000) } })) })),
  );
  busy.k.sendRaw(bytes.subarray(0, 5000));
  await tick(5);
  busy.k.sendRaw(bytes.subarray(5000));
  await tick(5);
  expect(busy.k.count('point')).toBe(1);
  expect(busy.k.count('error')).toBe(0);
  // Only the oldest hog went: the budget fits again with the other two.
  expect(hogs.map((h) => h.k.count('error'))).toEqual([1, 0, 0]);
  expect(hogs[0].k.of('error')[0].error).toMatch(
    /incomplete frame \(9900 bytes, over the 1000-byte reserve for \d+ ms\) was the oldest.*raise maxPartialFramesSize/,
  );
  expect(budget.used).toBe(2 * 8_900);
  for (const h of hogs.slice(1)) h.agent.close(new Error('test over'));
  busy.agent.close();
  await Promise.all([...hogs, busy].map((c) => c.done));
  expect(budget.used).toBe(0);
  expect(budget.holderCount).toBe(0);
});

test('a connection that alone holds more than the budget, as the oldest holder, is the one that fails', async () => {
  const budget = new FrameBudget(10_000, 0);
  const big = connection(budget);
  big.k.sendRaw(partial(50_000, 9_000));
  await tick(3);
  big.k.sendRaw(Buffer.alloc(2_000));
  await tick(3);
  expect(big.k.of('error')[0].error).toMatch(/was the oldest/);
  await big.done;
  expect(budget.used).toBe(0);
});

test('frames within the per-connection reserve are never charged', async () => {
  const budget = new FrameBudget(1, 4096);
  const c = connection(budget);
  c.k.sendRaw(partial(5000, 4000));
  await tick(3);
  expect(budget.used).toBe(0);
  expect(c.k.count('error')).toBe(0);
  c.agent.close(new Error('test over'));
  await c.done;
});
