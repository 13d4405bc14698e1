/**
 * One connection sending a huge batch to a UDF that collects whole batches
 * (@OnBatch) must fail only that task: an ErrorResponse naming the limit and
 * the flag that raises it, while the server and every other connection go on
 * and the server's memory stays bounded.
 */
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { encodeFrame, encodeRequest } from '@kapacitor-udf/core';
import { begin, end, initialized, smallBatch } from './helpers/batches';
import { MiB, rssOf } from './helpers/memory';
import { ROOT, requireBuilt } from './helpers/paths';
import { makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { sleep, type WirePeer } from './helpers/udf-run';

const OUTLIERS_DIR = path.join(ROOT, 'examples', 'outliers');

/** `count` point frames in one buffer (a run of 1,000 distinct points repeated). */
function pointFrames(count: number): Buffer {
  const run = Buffer.concat(
    Array.from({ length: Math.min(count, 1000) }, (_, i) =>
      encodeFrame(encodeRequest({ message: { $case: 'point', value: makePoint(i) } })),
    ),
  );
  const runs = Math.ceil(count / 1000);
  return Buffer.concat(Array.from({ length: runs }, () => run)).subarray(0, (run.length / Math.min(count, 1000)) * count);
}

/** Writes `bytes` respecting backpressure until done or the UDF closed the connection. */
async function writeAll(socket: Socket, peer: WirePeer, bytes: Buffer, chunk = 256 * 1024): Promise<void> {
  for (let at = 0; at < bytes.length && !peer.ended && !socket.destroyed; at += chunk) {
    if (!socket.write(bytes.subarray(at, at + chunk))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.once('drain', done);
        socket.once('close', done);
        void peer.closed(60_000).then(done, done);
      });
    }
  }
}

beforeAll(() => requireBuilt());

describe.each([
  ['points', ['--max-batch-points', '1000'], /more than 1000 points.*--max-batch-points/],
  ['bytes', ['--max-batch-size', '64KiB'], /more than 65536 bytes.*--max-batch-size/],
])('a collected batch over the limit of %s (outliers over a socket)', (_what, args, error) => {
  let server: SocketUdfServer;
  beforeAll(async () => {
    server = await startSocketServer({ name: 'outliers', cwd: OUTLIERS_DIR, args });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('fails that task with an ErrorResponse naming the limit and its flag; another task goes on', async () => {
    const a = await initialized(server);
    const b = await initialized(server);
    try {
      await smallBatch(b.peer, 1);
      a.peer.send({ $case: 'begin', value: begin(1) });
      await writeAll(a.socket, a.peer, pointFrames(5000));
      a.peer.send({ $case: 'end', value: end(1) });
      await a.peer.closed();
      const errors = a.peer.of('error');
      expect(errors).toHaveLength(1);
      expect(errors[0].error).toMatch(error);
      expect(a.peer.count('begin')).toBe(0);
      await smallBatch(b.peer, 2);
      expect(server.child.exitCode).toBeNull();
    } finally {
      a.socket.destroy();
      b.socket.destroy();
    }
  });
});

test('server memory stays bounded while one connection sends a batch far over the limit and another keeps working', async () => {
  const server = await startSocketServer({ name: 'outliers', cwd: OUTLIERS_DIR, args: ['--max-batch-points', '20000'] });
  const a = await initialized(server);
  const b = await initialized(server);
  try {
    await smallBatch(b.peer, 1);
    const base = rssOf(server.child.pid!);
    let peak = base;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssOf(server.child.pid!));
      } catch {
        // exited: the assertions below say so
      }
    }, 20);
    let batches = 1;
    const working = (async () => {
      while (!a.peer.ended) {
        await smallBatch(b.peer, ++batches);
        await sleep(20);
      }
    })();
    a.peer.send({ $case: 'begin', value: begin(1) });
    // 400,000 points (about 40 MB on the wire): retained whole, they take the
    // server well past the bound; refused at 20,000 they never do.
    await writeAll(a.socket, a.peer, pointFrames(400_000));
    await a.peer.closed(60_000);
    await working;
    clearInterval(sampler);
    expect(a.peer.of('error')[0]?.error).toMatch(/more than 20000 points.*--max-batch-points/);
    expect(batches).toBeGreaterThan(1);
    await smallBatch(b.peer, ++batches);
    expect(server.child.exitCode).toBeNull();
    expect((peak - base) / MiB).toBeLessThan(80);
  } finally {
    a.socket.destroy();
    b.socket.destroy();
    await server.stop();
  }
}, 90_000);
