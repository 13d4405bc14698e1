/**
 * --workers: a worker thread stuck in synchronous code past the handler
 * timeout is terminated and replaced. Only its own connections fail, each
 * with an ErrorResponse; connections on other threads go on, and new
 * connections are served after the replacement.
 */
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import type { WirePeer } from './helpers/udf-run';

beforeAll(() => requireBuilt());

async function mirrors(peer: WirePeer, seq: number): Promise<void> {
  const before = peer.count('point');
  peer.point(makePoint(seq));
  await peer.until(() => peer.count('point') === before + 1, `point ${seq} mirrored`);
}

test('a thread spinning in a handler is replaced; only its connection fails, with an ErrorResponse', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--workers', '2', '--handler-timeout', '500ms'] });
  try {
    // Two connections: one on each thread (each goes to the least busy one).
    const stuck = await server.connect();
    const other = await server.connect();
    for (const c of [stuck, other]) {
      c.peer.send(init());
      await mirrors(c.peer, 1);
    }
    const t0 = Date.now();
    stuck.peer.point(makePoint(2, { fieldsString: { do: 'spin' } }));
    await stuck.peer.closed(10_000);
    const elapsed = Date.now() - t0;
    expect(stuck.peer.of('error').map((e) => e.error)).toEqual([
      expect.stringMatching(/stuck in synchronous code for more than 500 ms.*replaced/),
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    await mirrors(other.peer, 3);
    // New connections are served (by the survivor and the replacement).
    for (let i = 0; i < 3; i++) {
      const c = await server.connect();
      c.peer.send(init());
      await mirrors(c.peer, 10 + i);
      c.socket.destroy();
    }
    expect(server.log()).toMatch(/"level":"error".*stuck in synchronous code/);
    stuck.socket.destroy();
    other.socket.destroy();
    expect(server.child.exitCode).toBeNull();
  } finally {
    await server.stop();
  }
}, 30_000);

test('an InitResponse produced just before the handler of the next request spins still reaches the peer', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--workers', '1', '--handler-timeout', '500ms'] });
  try {
    const { peer, socket } = await server.connect();
    // Init and the spinning point in one write: the point's handler runs right after Init's.
    peer.send(init());
    peer.point(makePoint(1, { fieldsString: { do: 'spin' } }));
    await peer.closed(10_000);
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'error']);
    expect(peer.of('init')[0].success).toBe(true);
    socket.destroy();
  } finally {
    await server.stop();
  }
}, 30_000);

test('at shutdown, a thread spinning with no handler timeout: the InitResponse it produced before still reaches the peer, then an ErrorResponse', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--workers', '1', '--shutdown-timeout', '300ms'] });
  const { peer, socket } = await server.connect();
  try {
    peer.send(init());
    peer.point(makePoint(1, { fieldsString: { do: 'spin' } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    await peer.closed(15_000);
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'error']);
  } finally {
    socket.destroy();
    await server.stop();
  }
}, 30_000);
