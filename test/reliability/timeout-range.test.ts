/**
 * Time settings accept what they document up to the largest value a Node
 * timer honours (2^31 - 1 ms, about 24.8 days); larger values are refused
 * on the command line with a clear error, never silently turned into 1 ms.
 */
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { spawnUdfRun } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const sleepy = makePoint(1, { fieldsString: { do: 'sleep' }, fieldsInt: { ms: 100n } });

test.each(['--handler-timeout', '--shutdown-timeout', '--frame-timeout'])(
  '%s 600h is refused at the command line (exit 2), naming the largest value',
  async (flag) => {
    const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS, args: [flag, '600h'] });
    try {
      expect(await udf.exited()).toBe(2);
      expect(udf.stderr()).toMatch(new RegExp(`${flag} .*at most 2147483647 ms`));
      expect(udf.stderr()).not.toMatch(/TimeoutOverflowWarning/);
    } finally {
      udf.kill();
    }
  },
);

test('--handler-timeout 596h (just under the largest) is honoured: async handlers work, no warning', async () => {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS, args: ['--handler-timeout', '596h'] });
  try {
    udf.peer.send(init());
    udf.peer.point(sleepy);
    await udf.peer.until(() => udf.peer.count('point') === 1, 'the slow point');
    udf.peer.endInput();
    expect(await udf.exited()).toBe(0);
    expect(udf.peer.count('error')).toBe(0);
    expect(udf.stderr()).not.toMatch(/TimeoutOverflowWarning/);
  } finally {
    udf.kill();
  }
});

test('--shutdown-timeout 596h: a socket server with it serves and stops normally', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--shutdown-timeout', '596h'] });
  const { peer, socket } = await server.connect();
  peer.send(init());
  peer.point(sleepy);
  await peer.until(() => peer.count('point') === 1, 'the slow point');
  peer.endInput();
  await peer.closed();
  socket.destroy();
  expect(await server.stop()).toBe(0);
  expect(server.log()).not.toMatch(/TimeoutOverflowWarning/);
});
