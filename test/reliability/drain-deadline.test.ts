/**
 * Every connection ends in bounded time after its peer is gone (issue 20,
 * item 3/5): after EOF (a half-close, or a peer that read everything and
 * closed, as Kapacitor does), pending handlers get a drain deadline
 * (--drain-timeout, default the shutdown timeout); then the connection ends
 * with an ErrorResponse, the failure is logged and its fd is released. The
 * reporter's sequence: a handler that never settles, no --handler-timeout,
 * 50 peers; and a low `ulimit -n`.
 */
import { fdsOf, settledFds } from './helpers/fds';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { sleep } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const hang = makePoint(1, { fieldsString: { do: 'hang' } });

/** A peer whose handler never settles, then gone: half-closed, or ended and closed entirely. */
async function hangThenLeave(server: SocketUdfServer, i: number): Promise<void> {
  const { peer, socket } = await server.connect();
  peer.send(init([], `hung-${i}`));
  await peer.until(() => peer.count('init') === 1, `the InitResponse of peer ${i}`, 5_000);
  peer.point(hang);
  await sleep(5);
  peer.endInput();
  if (i % 2 === 1) socket.destroy();
}

async function bystanderWorks(server: SocketUdfServer): Promise<void> {
  const { peer, socket } = await server.connect();
  peer.send(init([], 'bystander'));
  peer.point(makePoint(7));
  await peer.until(() => peer.count('point') === 1, "the bystander's point");
  socket.destroy();
}

async function warmBaseline(server: SocketUdfServer): Promise<number> {
  // One full conversation first, so lazily opened handles are counted in the baseline.
  await bystanderWorks(server);
  await sleep(300);
  return fdsOf(server.child.pid!);
}

describe.each([
  ['in the main thread', [] as string[]],
  ['with --workers 2', ['--workers', '2']],
])('%s', (_where, extra) => {
  test('50 peers gone while their handler never settles (no --handler-timeout): all released after --drain-timeout', async () => {
    const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--drain-timeout', '1s', ...extra] });
    try {
      const base = await warmBaseline(server);
      for (let i = 0; i < 50; i++) await hangThenLeave(server, i);
      expect(fdsOf(server.child.pid!)).toBeGreaterThan(base + 10); // held until the deadline...
      expect(await settledFds(server, base + 2, 10_000)).toBeLessThanOrEqual(base + 2); // ... then all released
      const failures =
        server
          .log()
          .match(
            /"level":"error","msg":"conversation aborted: the peer ended its input 1000 ms ago and the point handler has still not finished[^\n]*ERR_DRAIN_TIMEOUT/g,
          ) ?? [];
      expect(failures).toHaveLength(50);
      await bystanderWorks(server);
    } finally {
      await server.stop();
    }
  }, 90_000);
});

test('the default drain deadline is the shutdown timeout', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--shutdown-timeout', '800ms'] });
  try {
    const base = await warmBaseline(server);
    for (let i = 0; i < 10; i++) await hangThenLeave(server, i);
    expect(await settledFds(server, base + 2, 10_000)).toBeLessThanOrEqual(base + 2);
    expect(server.log()).toMatch(/ended its input 800 ms ago/);
  } finally {
    await server.stop();
  }
}, 60_000);

test('under `ulimit -n 128`, 200 such peers one after another are all served (the 110th was refused)', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--drain-timeout', '300ms'], maxOpenFiles: 128 });
  try {
    const base = await warmBaseline(server);
    for (let i = 0; i < 200; i++) await hangThenLeave(server, i);
    expect(await settledFds(server, base + 2, 10_000)).toBeLessThanOrEqual(base + 2);
    await bystanderWorks(server);
  } finally {
    await server.stop();
  }
}, 90_000);
