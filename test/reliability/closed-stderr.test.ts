/**
 * The reader of udf-run's stderr goes away (a log pipe's reader exits, a
 * collector restarts, `2>&1 | head`): every later log line fails with EPIPE.
 * Before, that error was uncaught, reporting it wrote to stderr again, and
 * the loop kept a CPU busy (82-100 % here) while SIGTERM went unanswered.
 * Now the tasks are still served, the process stays idle when idle, and a
 * signal stops it.
 */
import { readFileSync } from 'node:fs';
import { requireBuilt } from './helpers/paths';
import { makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun, withTimeout } from './helpers/udf-run';

beforeAll(() => requireBuilt());

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; here counted after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe.each([
  ['a socket server', [] as string[]],
  ['a socket server with --workers 2', ['--workers', '2']],
])('%s whose stderr reader went away', (_name, extra) => {
  test('serves new tasks, stays idle, and stops on SIGTERM', async () => {
    const server = await startSocketServer({ args: ['--log-level', 'debug', ...extra] });
    try {
      server.child.stderr!.destroy();
      // Every connection logs on open, Init and close: each of those writes fails now.
      for (let task = 0; task < 3; task++) {
        const { peer, socket } = await server.connect();
        peer.send({ $case: 'init', value: { options: [], taskID: `t${task}`, nodeID: 'n' } });
        peer.send({ $case: 'point', value: makePoint(task) });
        peer.send({ $case: 'keepalive', value: { time: 7n } });
        // Keepalives are answered ahead of queued requests: compare as a set.
        await peer.until(() => peer.count('point') === 1 && peer.count('keepalive') === 1, 'the answers', 15_000);
        expect(peer.kinds().sort()).toEqual(['init', 'keepalive', 'point']);
        socket.destroy();
      }
      await sleep(500);
      const before = cpuSeconds(server.child.pid!);
      await sleep(2000);
      // Idle: a few ms of timers. The loop took 1.6-2 s of CPU in these 2 s.
      expect(cpuSeconds(server.child.pid!) - before).toBeLessThan(1);
      server.child.kill('SIGTERM');
      await expect(withTimeout(server.exit, 15_000, () => 'udf-run did not exit within 15 s of SIGTERM')).resolves.toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      await server.exit;
    }
  }, 60_000);
});

test('a process UDF whose stderr reader went away still answers Kapacitor and ends with its input', async () => {
  const udf = spawnUdfRun({ args: ['--log-level', 'debug'] });
  try {
    udf.child.stderr!.destroy();
    udf.peer.send({ $case: 'info', value: {} });
    udf.peer.send({ $case: 'init', value: { options: [], taskID: 't', nodeID: 'n' } });
    udf.peer.send({ $case: 'point', value: makePoint(1) });
    udf.peer.endInput();
    expect(await udf.exited(15_000)).toBe(0);
    expect(udf.peer.kinds()).toEqual(['info', 'init', 'point']);
  } finally {
    udf.kill();
  }
}, 60_000);
