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

test('a busy main thread is not taken for stuck workers: the watchdog reads each worker its own heartbeat', async () => {
  // Issue 20, item 6: the main thread, busy writing a flood of worker log
  // lines, answered pings late and the watchdog killed a healthy worker.
  // Here SIGUSR2 blocks the main thread for 2 s (a fixture hook), four times the handler timeout.
  const server = await startSocketServer({
    name: 'faulty',
    module: FIXTURE_UDFS,
    args: ['--workers', '2', '--handler-timeout', '500ms'],
    env: { ...process.env, UDF_TEST_BLOCK_MAIN_MS: '2000' },
  });
  try {
    const peers = [await server.connect(), await server.connect()];
    for (const c of peers) {
      c.peer.send(init());
      await mirrors(c.peer, 1);
    }
    server.child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const c of peers) {
      await mirrors(c.peer, 2);
      expect(c.peer.of('error')).toEqual([]);
    }
    expect(server.log()).not.toMatch(/stuck in synchronous code/);
    for (const c of peers) c.socket.destroy();
  } finally {
    await server.stop();
  }
}, 30_000);

test('without --handler-timeout, a worker stuck in a CPU loop gets no new connections: every new task is answered', async () => {
  // Issue 20, item 7: the choice counted connections only, and a new task
  // handed to the stuck worker never got its Init answer.
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--workers', '2'] });
  const peers: Array<Awaited<ReturnType<typeof server.connect>>> = [];
  try {
    const stuck = await server.connect();
    const other = await server.connect();
    peers.push(stuck, other);
    for (const c of [stuck, other]) {
      c.peer.send(init());
      await mirrors(c.peer, 1);
    }
    stuck.peer.point(makePoint(2, { fieldsString: { do: 'spin' } }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let i = 0; i < 4; i++) {
      const c = await server.connect();
      peers.push(c);
      c.peer.send(init());
      await mirrors(c.peer, 10 + i);
    }
    await mirrors(other.peer, 3);
  } finally {
    for (const c of peers) c.socket.destroy();
    server.child.kill('SIGKILL'); // the spinning thread never ends by itself
    await server.stop();
  }
}, 30_000);
