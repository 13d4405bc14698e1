/**
 * udf-run owns its process (packages/cli/src/process-owner.ts), with one
 * exit-code rule for both transports: the first SIGTERM stops gracefully
 * (exit 0 after a clean stop, 1 after an error, see process-shutdown and
 * shutdown tests), a second one stops at once with exit 1. The libraries
 * themselves install no process handlers
 * (packages/transports/test/process-ownership.test.ts).
 */
import { existsSync } from 'node:fs';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const hang = (seq: number) => makePoint(seq, { fieldsString: { do: 'hang' } });

test('process UDF: a second SIGTERM while a handler hangs exits 1 at once, not after the shutdown timeout', async () => {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS, args: ['--shutdown-timeout', '60s'] });
  try {
    udf.peer.send(init());
    await udf.peer.until(() => udf.peer.count('init') === 1, 'the InitResponse');
    udf.peer.point(hang(1));
    await sleep(100);
    udf.child.kill('SIGTERM');
    await sleep(200);
    expect(udf.child.exitCode).toBeNull(); // the first one waits for the handler
    udf.child.kill('SIGTERM');
    expect(await udf.exited(10_000)).toBe(1);
    expect(udf.stderr()).toMatch(/received SIGTERM again/);
  } finally {
    udf.kill();
  }
});

test('socket UDF: a second SIGTERM cuts an open connection, removes the socket file and exits 1', async () => {
  const server = await startSocketServer({ args: ['--shutdown-timeout', '60s'] });
  try {
    const { peer } = await server.connect();
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'the InitResponse');
    server.child.kill('SIGTERM');
    await sleep(300);
    expect(server.child.exitCode).toBeNull(); // the open connection may finish: still waiting
    expect(server.log()).toMatch(/received SIGTERM: finishing open connections/);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(server.log()).toMatch(/received SIGTERM again/);
    expect(existsSync(server.socketPath)).toBe(false);
    await peer.closed();
  } finally {
    server.child.kill('SIGKILL');
  }
});
