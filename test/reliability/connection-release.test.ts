/**
 * A connection is released once its peer is gone and its handlers settled
 * or timed out: no file descriptor or UDF instance is kept for it, in the
 * main thread and with --workers.
 */
import { fdsOf, settledFds } from './helpers/fds';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const PEERS = 30;

describe.each([
  ['in the main thread', []],
  ['with --workers 2', ['--workers', '2']],
])('%s', (_where, extra) => {
  test.each([
    ['a handler that finishes (sleep 300 ms)', makePoint(1, { fieldsString: { do: 'sleep' }, fieldsInt: { ms: 300n } })],
    ['a handler that never settles (handler timeout 500 ms)', makePoint(1, { fieldsString: { do: 'hang' } })],
  ])(
    'peers that half-close while %s is pending, then go away, are all released',
    async (_what, point) => {
      const server = await startSocketServer({
        name: 'faulty',
        module: FIXTURE_UDFS,
        args: ['--handler-timeout', '500ms', ...(extra as string[])],
      });
      try {
        // One full conversation first, so lazily opened handles are counted in the baseline.
        const warm = await server.connect();
        warm.peer.send(init());
        warm.peer.point(makePoint(0));
        await warm.peer.until(() => warm.peer.count('point') === 1, 'a warm-up point');
        warm.peer.endInput();
        await warm.peer.closed();
        warm.socket.destroy();
        await sleep(300);
        const base = fdsOf(server.child.pid!);
        for (let i = 0; i < PEERS; i++) {
          const { peer, socket } = await server.connect();
          peer.send(init());
          await peer.until(() => peer.count('init') === 1, 'the InitResponse');
          peer.point(point);
          await sleep(20);
          peer.endInput(); // half-close: Kapacitor stopping the task
          socket.destroy(); // ... and then gone entirely
        }
        const fds = await settledFds(server, base + 2);
        expect(fds).toBeLessThanOrEqual(base + 2);
        // The server still serves.
        const { peer, socket } = await server.connect();
        peer.send(init());
        peer.point(makePoint(5));
        await peer.until(() => peer.count('point') === 1, 'a point after the peers left');
        socket.destroy();
      } finally {
        await server.stop();
      }
    },
    60_000,
  );
});
