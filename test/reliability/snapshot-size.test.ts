/**
 * A snapshot this UDF could not restore is refused when it is taken, not
 * written (issue 20, item 8): Kapacitor hands the bytes back in a
 * RestoreRequest, and one over --max-message-size failed the task at every
 * restart. Tested with a 70 MB state against the default 64 MiB limit.
 */
import { spawn } from 'node:child_process';
import { WirePeer } from '@kapacitor-udf/testing';
import { FIXTURE_UDFS, MIRROR_DIR, requireBuilt, UDF_RUN } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';

beforeAll(() => requireBuilt());

const STATE_BYTES = 70_000_000n;
const grow = makePoint(1, { fieldsString: { do: 'grow' }, fieldsInt: { bytes: STATE_BYTES } });

test('a 70 MB snapshot over the default limit: ErrorResponse naming the size, the limit and the flag; a bystander goes on', async () => {
  const server = await startSocketServer({ name: 'hoard', module: FIXTURE_UDFS });
  try {
    const bystander = await server.connect();
    bystander.peer.send(init([], 'bystander'));
    const hoard = await server.connect();
    hoard.peer.send(init());
    hoard.peer.point(grow);
    await hoard.peer.until(() => hoard.peer.count('point') === 1, 'the grown point', 60_000);
    hoard.peer.send({ $case: 'snapshot', value: {} });
    await hoard.peer.closed(60_000);
    expect(hoard.peer.count('snapshot')).toBe(0);
    const [error] = hoard.peer.of('error');
    expect(error.error).toMatch(/the snapshot is 700001\d\d bytes/);
    expect(error.error).toMatch(/RestoreRequest carrying it back .* would be 700001\d\d bytes, more than the 67108864 bytes/);
    expect(error.error).toMatch(/raise --max-message-size to at least 700001\d\d bytes \(and --max-partial-frames-size with it\)/);
    expect(server.log()).toMatch(/ERR_SNAPSHOT_TOO_LARGE/);

    bystander.peer.point(makePoint(2));
    await bystander.peer.until(() => bystander.peer.count('point') === 1, "the bystander's point");
    bystander.peer.send({ $case: 'snapshot', value: {} });
    await bystander.peer.until(() => bystander.peer.count('snapshot') === 1, "the bystander's snapshot");
    expect(bystander.peer.of('error')).toEqual([]);
    bystander.socket.destroy();
    hoard.socket.destroy();
  } finally {
    await server.stop();
  }
}, 120_000);

test('with --max-message-size raised, the 70 MB snapshot is written and restores into a new process', async () => {
  const args = ['hoard', '--module', FIXTURE_UDFS, '--max-message-size', '80MiB', '--max-partial-frames-size', '160MiB'];
  const start = () => {
    const child = spawn(process.execPath, [UDF_RUN, ...args], { cwd: MIRROR_DIR, stdio: ['pipe', 'pipe', 'ignore'] });
    return { child, peer: new WirePeer(child.stdout!, child.stdin!, { maxMessageSize: 128 * 1024 * 1024 }) };
  };
  const first = start();
  const second = start();
  try {
    first.peer.send(init());
    first.peer.point(grow);
    first.peer.send({ $case: 'snapshot', value: {} });
    const { snapshot } = await first.peer.nextOf('snapshot', 60_000);
    expect(snapshot.length).toBeGreaterThan(Number(STATE_BYTES));
    first.peer.endInput();

    second.peer.send(init(), { $case: 'restore', value: { snapshot } });
    expect(await second.peer.nextOf('restore', 60_000)).toEqual({ success: true, error: '' });
    second.peer.point(makePoint(3));
    await second.peer.until(() => second.peer.count('point') === 1, 'the point after the restore');
    expect(second.peer.of('point')[0].fieldsInt.held).toBe(STATE_BYTES);
  } finally {
    first.child.kill();
    second.child.kill();
  }
}, 120_000);
