// Kapacitor's side is the testing kit's byte-level peer (see agent.test.ts for why core's tests may use it).
import { WirePeer } from '@kapacitor-udf/testing';
import { Agent } from '../src/agent';
import { DrainTimeoutError } from '../src/errors';
import type { Emitter, Handler } from '../src/handler';
import { silentLogger } from '../src/logger';
import { mirrorHandler as mirror } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

// drainTimeoutMs (issue 20, item 3): after the input ended, a conversation
// that does not finish in time ends with an ErrorResponse and is released,
// instead of holding its connection forever.

function setup(drainTimeoutMs: number | undefined, overrides: (emitter: Emitter) => Partial<Handler>) {
  const k = WirePeer.inMemory();
  const agent = new Agent({
    input: k.toUdf,
    output: k.fromUdf,
    handler: (e) => mirror(e, overrides(e)),
    logger: silentLogger,
    drainTimeoutMs,
  });
  return { k, agent };
}

const never = () => ({ point: () => new Promise<void>(() => undefined) });

test('a handler that never settles after EOF: ErrorResponse naming the deadline and the handler, then settled', async () => {
  const { k, agent } = setup(150, never);
  const done = agent.start();
  k.send(req.point(point({ name: 'stuck' })), req.point(point({ name: 'behind' })));
  await tick(5);
  const ended = Date.now();
  k.endInput();
  await expect(done).rejects.toBeInstanceOf(DrainTimeoutError);
  expect(Date.now() - ended).toBeGreaterThanOrEqual(140);
  expect(agent.state).toBe('settled');
  const [error] = k.of('error');
  expect(error.error).toMatch(/ended its input 150 ms ago and the point handler has still not finished \(1 request waiting behind it\)/);
  expect(error.error).toMatch(/raise drainTimeoutMs .* set handlerTimeoutMs/);
});

test('a conversation that finishes within the deadline is not touched', async () => {
  let release!: () => void;
  const { k, agent } = setup(5000, (e) => ({
    point: (p) =>
      new Promise<void>((resolve) => {
        release = () => {
          e.point(p);
          resolve();
        };
      }),
  }));
  const done = agent.start();
  k.send(req.point(point({ name: 'slow' })));
  await tick(5);
  k.endInput();
  await tick(20);
  release();
  await done;
  expect(k.kinds()).toEqual(['point']);
});

test('without drainTimeoutMs (the Agent default) nothing is cut', async () => {
  const { k, agent } = setup(undefined, never);
  const done = agent.start();
  k.send(req.point(point({ name: 'stuck' })));
  k.endInput();
  await tick(300);
  expect(agent.state).toBe('draining');
  agent.close(new Error('test over'));
  await expect(done).rejects.toThrow('test over');
});

test('drainTimeoutMs out of range is refused', () => {
  expect(() => setup(-1, never)).toThrow(RangeError);
  expect(() => setup(2 ** 31, never)).toThrow(/drainTimeoutMs/);
});
