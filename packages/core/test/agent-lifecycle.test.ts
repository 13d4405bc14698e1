// Kapacitor's side is the testing kit's byte-level peer (see agent.test.ts for why core's tests may use it).
import { WirePeer } from '@kapacitor-udf/testing';
import { Agent, type AgentState } from '../src/agent';
import { HandlerError, OutputClosedError } from '../src/errors';
import type { Point } from '../src/generated/udf';
import type { Emitter, Handler } from '../src/handler';
import { silentLogger } from '../src/logger';
import { deferred, mirrorHandler as mirror } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

// Agent.state through every transition of the lifecycle (agent.ts):
// open -> draining -> stopping -> ending -> settled, and the failure paths.

function setup(overrides: (emitter: Emitter) => Partial<Handler> = () => ({})) {
  const k = WirePeer.inMemory();
  const agent = new Agent({ input: k.toUdf, output: k.fromUdf, handler: (e) => mirror(e, overrides(e)), logger: silentLogger });
  return { k, agent };
}

/** Resolves when agent.state becomes `state` (polled: the state has no event of its own). */
async function reach(agent: Agent, state: AgentState): Promise<void> {
  for (let i = 0; i < 500 && agent.state !== state; i++) await tick(2);
  expect(agent.state).toBe(state);
}

describe('Agent lifecycle (Agent.state)', () => {
  test('open -> draining -> stopping -> ending -> settled on EOF, with a pending call and an async stop()', async () => {
    const call = deferred();
    const stop = deferred();
    const seen: string[] = [];
    const { k, agent } = setup((e) => ({
      point: (p: Point) => {
        seen.push(p.name);
        if (p.name === 'first') return call.promise.then(() => e.point(p));
        e.point(p);
        return undefined;
      },
      stop: () => stop.promise,
    }));
    expect(agent.state).toBe('open');
    const done = agent.start();
    expect(agent.state).toBe('open');
    k.send(req.point(point({ name: 'first' })), req.point(point({ name: 'second' })));
    await tick(5);
    // A pending handler call is not a lifecycle state.
    expect(agent.state).toBe('open');
    k.endInput();
    await reach(agent, 'draining');
    expect(seen).toEqual(['first']);
    call.resolve();
    // The request queued behind the pending one is still handled, then stop() is called.
    await reach(agent, 'stopping');
    expect(seen).toEqual(['first', 'second']);
    stop.resolve();
    await done;
    expect(agent.state).toBe('settled');
    expect(k.kinds()).toEqual(['point', 'point']);
  });

  test('close() without a reason: open -> draining -> stopping -> ending, settled once the output finished', async () => {
    const stop = deferred();
    const { agent } = setup(() => ({ stop: () => stop.promise }));
    const done = agent.start();
    agent.close();
    expect(agent.state).toBe('stopping');
    // No way back: another close() changes nothing.
    agent.close();
    expect(agent.state).toBe('stopping');
    stop.resolve();
    await reach(agent, 'settled');
    await done;
  });

  test('a sync stop() goes through ending before settled (the output is ended, then finishes)', async () => {
    const { agent } = setup();
    const done = agent.start();
    agent.close();
    // stop() returned at once: the output's end was asked for, its 'finish' comes later.
    expect(agent.state).toBe('ending');
    await done;
    expect(agent.state).toBe('settled');
  });

  test('close() before start(): the conversation ends at once, start() reports how', async () => {
    const stopped = jest.fn();
    const { agent } = setup(() => ({ stop: stopped }));
    agent.close();
    await reach(agent, 'settled');
    expect(stopped).toHaveBeenCalledTimes(1);
    await expect(agent.start()).resolves.toBeUndefined();
    expect(agent.state).toBe('settled');
  });

  test('a failure while open: ending with the ErrorResponse, then settled (rejected)', async () => {
    const { k, agent } = setup(() => ({
      point: () => {
        throw new Error('boom');
      },
    }));
    const done = agent.start();
    const rejected = expect(done).rejects.toBeInstanceOf(HandlerError);
    // Registered before the agent's own listener: sees the state the output finished in.
    let whenFinished: AgentState | undefined;
    k.fromUdf.on('finish', () => (whenFinished = agent.state));
    k.send(req.point(point()));
    await rejected;
    expect(whenFinished).toBe('ending');
    expect(agent.state).toBe('settled');
    expect(k.kinds()).toEqual(['error']);
  });

  test('a failure while stopping: stop() rejects -> ending -> settled', async () => {
    const stop = deferred();
    const { k, agent } = setup(() => ({ stop: () => stop.promise }));
    const done = agent.start();
    const rejected = expect(done).rejects.toThrow(/stop/);
    k.endInput();
    await reach(agent, 'stopping');
    stop.reject(new Error('cannot stop'));
    await rejected;
    expect(agent.state).toBe('settled');
    expect(k.kinds()).toEqual(['error']);
  });

  test('a broken output settles at once, without ending it', async () => {
    const { k, agent } = setup();
    const done = agent.start();
    const rejected = expect(done).rejects.toBeInstanceOf(OutputClosedError);
    const endCalls = jest.spyOn(k.fromUdf, 'end');
    k.fromUdf.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await rejected;
    expect(agent.state).toBe('settled');
    expect(endCalls).not.toHaveBeenCalled();
  });

  test('once settled, nothing moves it: close(), close(reason), input events', async () => {
    const { k, agent } = setup();
    const done = agent.start();
    k.endInput();
    await done;
    expect(agent.state).toBe('settled');
    agent.close();
    agent.close(new Error('late'));
    k.toUdf.emit('error', new Error('late input error'));
    await tick(5);
    expect(agent.state).toBe('settled');
    await expect(agent.start()).resolves.toBeUndefined();
  });
});
