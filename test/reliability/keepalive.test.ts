/**
 * A handler that takes 5 seconds per point (an awaited call, as a slow
 * lookup would be): keepalives are answered at once meanwhile, over both
 * transports. Shown by order, not by timing: every keepalive sent while the
 * point is pending is answered before the point comes back, each one before
 * the next is sent.
 */
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, keepalive, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun, type WirePeer } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const KEEPALIVES = 8;

async function keepalivesWhileSlow(peer: WirePeer): Promise<number[]> {
  peer.send(init());
  await peer.until(() => peer.count('init') === 1, 'Init');
  peer.point(makePoint(1));
  const latencies: number[] = [];
  for (let i = 1; i <= KEEPALIVES; i++) {
    const sent = process.hrtime.bigint();
    peer.send(keepalive(BigInt(i)));
    await peer.until(() => peer.count('keepalive') === i, `keepalive ${i}`, 10_000);
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    // Still pending: the 5 s handler has not returned the point yet.
    expect(peer.count('point')).toBe(0);
    await sleep(200);
  }
  await peer.until(() => peer.count('point') === 1, 'the slow point', 15_000);
  peer.endInput();
  await peer.closed(15_000);
  expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', ...Array(KEEPALIVES).fill('keepalive'), 'point']);
  expect(peer.of('keepalive').map((k) => k.time)).toEqual(Array.from({ length: KEEPALIVES }, (_, i) => BigInt(i + 1)));
  expect(peer.of('point')).toEqual([makePoint(1)]);
  return latencies;
}

test('a 5-second-per-point handler: keepalives answered meanwhile (process and socket UDF)', async () => {
  const udf = spawnUdfRun({ name: 'slow', module: FIXTURE_UDFS });
  const server = await startSocketServer({ name: 'slow', module: FIXTURE_UDFS });
  try {
    const { peer } = await server.connect();
    const [overStdio, overSocket] = await Promise.all([keepalivesWhileSlow(udf.peer), keepalivesWhileSlow(peer)]);
    expect(await udf.exited()).toBe(0);
    // For the record (not asserted: no timing assertions in tests).
    process.stdout.write(
      `keepalive round trips while a handler was busy, ms: stdio ${overStdio.map((l) => l.toFixed(1)).join(' ')}; socket ${overSocket.map((l) => l.toFixed(1)).join(' ')}\n`,
    );
  } finally {
    udf.kill();
    await server.stop();
  }
}, 40_000);

/**
 * More requests queued behind the pending handler than maxQueuedRequests
 * (1024): the agent keeps reading (holding the overflow as compact bytes),
 * so keepalives sent after them are still answered at once.
 */
test('keepalives are answered while more than 1024 requests wait behind a pending handler (process and socket UDF)', async () => {
  const queued = 5000;
  const check = async (peer: WirePeer): Promise<void> => {
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'Init');
    peer.point(makePoint(0)); // the slow fixture: 5 s per point
    for (let i = 1; i <= queued; i++) peer.point(makePoint(i));
    for (let i = 1; i <= 3; i++) {
      peer.send(keepalive(BigInt(i)));
      await peer.until(() => peer.count('keepalive') === i, `keepalive ${i} behind ${queued} queued points`, 3_000);
      expect(peer.count('point')).toBe(0);
      await sleep(100);
    }
  };
  const udf = spawnUdfRun({ name: 'slow', module: FIXTURE_UDFS });
  const server = await startSocketServer({ name: 'slow', module: FIXTURE_UDFS });
  const { peer, socket } = await server.connect();
  try {
    await Promise.all([check(udf.peer), check(peer)]);
  } finally {
    udf.kill();
    socket.destroy();
    await server.stop();
  }
}, 30_000);
