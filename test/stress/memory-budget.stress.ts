/**
 * Issue 20 item 1, the heavy half: 12 connections each collecting a
 * near-limit batch (STRESS_BATCH_POINTS points, default 840,000, about 160 B
 * a point on the wire: within --max-batch-points and --max-batch-size) at
 * once, to one udf-run on the default heap, with a bystander task doing small
 * batches. Without the budget they took about 360 MB of heap each and
 * OOM-killed the server. Now the thread's retained memory budget (half the
 * heap limit) fails the largest holders and only them: the server and the
 * bystander go on, every other batch is answered.
 *
 * In test/stress (not test/reliability) because it streams up to 10 million
 * points: over a minute on a loaded 2-core machine. Any count above about
 * 300,000 a connection still exhausts the default budget (12 x 300k points
 * at about 600 estimated heap bytes each is over 2 GB).
 */
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { type BeginBatch, type EndBatch, type Option, ValueType } from '@kapacitor-udf/core';
import { writePoints } from '../reliability/helpers/batches';
import { MiB, rssOf } from '../reliability/helpers/memory';
import { ROOT, requireBuilt } from '../reliability/helpers/paths';
import { init, makePoint } from '../reliability/helpers/points';
import { type SocketUdfServer, startSocketServer } from '../reliability/helpers/socket-server';
import type { WirePeer } from '../reliability/helpers/udf-run';

const POINTS = Number(process.env.STRESS_BATCH_POINTS ?? 840_000);
const HOGS = 12;
const OUTLIERS_DIR = path.join(ROOT, 'examples', 'outliers');
const FIELD: Option[] = [{ name: 'field', values: [{ type: ValueType.STRING, value: { $case: 'stringValue', value: 'value' } }] }];
const begin = (n: number): BeginBatch => ({ name: 'cpu', group: '', tags: { n: String(n) }, size: 0n, byName: false });
const end = (n: number): EndBatch => ({ name: 'cpu', group: '', tmax: BigInt(n), tags: { n: String(n) }, byName: false });

beforeAll(() => requireBuilt());

async function initialized(server: SocketUdfServer): Promise<{ socket: Socket; peer: WirePeer }> {
  const c = await server.connect();
  c.peer.send(init(FIELD));
  await c.peer.until(() => c.peer.count('init') === 1, 'the InitResponse', 60_000);
  return c;
}

test(`${HOGS} concurrent batches of ${POINTS} points on the default heap: the largest holders refused, the server and a bystander go on`, async () => {
  const server = await startSocketServer({ name: 'outliers', cwd: OUTLIERS_DIR });
  const bystander = await initialized(server);
  const hogs = await Promise.all(Array.from({ length: HOGS }, () => initialized(server)));
  const started = Date.now();
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssOf(server.child.pid!));
    } catch {
      // exited: the assertions below say so
    }
  }, 100);
  try {
    let streaming = true;
    let batches = 0;
    let slowest = 0;
    const working = (async () => {
      while (streaming) {
        const t = Date.now();
        const before = bystander.peer.count('end');
        bystander.peer.send({ $case: 'begin', value: begin(++batches) });
        for (let i = 0; i < 10; i++) bystander.peer.point(makePoint(i));
        bystander.peer.send({ $case: 'end', value: end(batches) });
        await bystander.peer.until(() => bystander.peer.count('end') === before + 1, `bystander batch ${batches}`, 60_000);
        slowest = Math.max(slowest, Date.now() - t);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await Promise.all(
      hogs.map(async ({ socket, peer }, i) => {
        peer.send({ $case: 'begin', value: begin(100 + i) });
        await writePoints(socket, peer, POINTS);
        if (!peer.ended) peer.send({ $case: 'end', value: end(100 + i) });
        await peer.until(() => peer.ended || peer.count('end') === 1, `hog ${i}: its batch or an error`, 600_000);
      }),
    );
    streaming = false;
    await working;
    const refused = hogs.filter((h) => h.peer.count('error') > 0);
    const answered = hogs.filter((h) => h.peer.count('end') === 1);
    process.stdout.write(
      `memory budget: ${HOGS} x ${POINTS} points in ${((Date.now() - started) / 1000).toFixed(0)} s: ` +
        `${refused.length} refused, ${answered.length} answered; bystander ${batches} batches, slowest ${slowest} ms; ` +
        `server peak RSS ${(peakRss / MiB).toFixed(0)} MiB\n`,
    );
    expect(refused.length).toBeGreaterThan(0);
    for (const h of refused) {
      expect(h.peer.of('error')).toHaveLength(1);
      expect(h.peer.of('error')[0].error).toMatch(/this connection held the most memory .*raise --max-retained-size/);
    }
    expect(refused.length + answered.length).toBe(HOGS);
    expect(bystander.peer.count('error')).toBe(0);
    expect(batches).toBeGreaterThan(1);
    expect(server.child.exitCode).toBeNull();
  } finally {
    clearInterval(sampler);
    for (const h of [bystander, ...hogs]) h.socket.destroy();
    await server.stop();
  }
});
