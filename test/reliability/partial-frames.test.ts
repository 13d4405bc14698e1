/**
 * Partially received frames: a server-wide budget for the bytes held in
 * incomplete frames, and an idle timeout for a frame that stops arriving.
 * Exceeding either fails only that connection, with an ErrorResponse naming
 * the limit and its flag; the server and other connections go on, and its
 * memory stays bounded.
 */
import type { Socket } from 'node:net';
import { encodeFrame, encodeRequest } from '@kapacitor-udf/core';
import { MiB, rssOf } from './helpers/memory';
import { requireBuilt } from './helpers/paths';
import { init, makePoint, uvarint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { sleep, type WirePeer } from './helpers/udf-run';

beforeAll(() => requireBuilt());

/** The start of a frame declaring a `declared`-byte body, of which only `sent` bytes follow (it never completes). */
function partialFrame(declared: number, sent: number): Buffer {
  return Buffer.concat([Buffer.from(uvarint(declared)), Buffer.alloc(sent)]);
}

async function working(server: SocketUdfServer): Promise<{ peer: WirePeer; socket: Socket }> {
  const c = await server.connect();
  c.peer.send(init());
  c.peer.point(makePoint(1));
  await c.peer.until(() => c.peer.count('point') === 1, 'a point on a healthy connection');
  return c;
}

async function stillWorks(peer: WirePeer, seq: number): Promise<void> {
  const before = peer.count('point');
  peer.point(makePoint(seq));
  await peer.until(() => peer.count('point') === before + 1, `point ${seq} on the healthy connection`);
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.write(bytes)) resolve();
    else {
      socket.once('drain', resolve);
      socket.once('close', resolve);
    }
  });
}

test('the budget for partial frames: the connection that would exceed it fails, others go on, RSS stays bounded', async () => {
  const server = await startSocketServer({ args: ['--max-message-size', '16MiB', '--max-partial-frames-size', '40MiB'] });
  const healthy = await working(server);
  const peers: Array<{ peer: WirePeer; socket: Socket }> = [];
  try {
    const base = rssOf(server.child.pid!);
    for (let i = 0; i < 8; i++) {
      const c = await server.connect();
      peers.push(c);
      c.peer.send(init());
      await c.peer.until(() => c.peer.count('init') === 1, 'the InitResponse');
      await write(c.socket, partialFrame(16 * MiB - 100, 15 * MiB));
      await sleep(100);
      await stillWorks(healthy.peer, 10 + i);
    }
    await sleep(300);
    const failed = peers.filter((c) => c.peer.count('error') === 1);
    // 40 MiB hold two 15 MiB partial frames (not three): the other six were refused.
    expect(failed.length).toBe(6);
    for (const c of failed) {
      expect(c.peer.of('error')[0].error).toMatch(/partially received frames.*--max-partial-frames-size/);
    }
    expect((rssOf(server.child.pid!) - base) / MiB).toBeLessThan(120);
    await stillWorks(healthy.peer, 100);
    expect(server.child.exitCode).toBeNull();
  } finally {
    for (const c of peers) c.socket.destroy();
    healthy.socket.destroy();
    await server.stop();
  }
}, 60_000);

test('a frame that stops arriving: an ErrorResponse after the frame timeout, others go on', async () => {
  const server = await startSocketServer({ args: ['--frame-timeout', '500ms'] });
  const healthy = await working(server);
  try {
    const { peer, socket } = await server.connect();
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'the InitResponse');
    const frame = Buffer.from(encodeFrame(encodeRequest({ message: { $case: 'point', value: makePoint(2) } })));
    const t0 = Date.now();
    socket.write(frame.subarray(0, frame.length - 10));
    // A healthy connection keeps working meanwhile (its frames are whole).
    await stillWorks(healthy.peer, 3);
    await peer.closed(5_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(peer.of('error').map((e) => e.error)).toEqual([expect.stringMatching(/incomplete frame.*500 ms.*--frame-timeout/)]);
    socket.destroy();
    await stillWorks(healthy.peer, 4);
  } finally {
    healthy.socket.destroy();
    await server.stop();
  }
}, 30_000);

test('a frame arriving slowly but steadily is not cut by the frame timeout', async () => {
  const server = await startSocketServer({ args: ['--frame-timeout', '500ms'] });
  try {
    const { peer, socket } = await server.connect();
    peer.send(init());
    const frame = Buffer.from(encodeFrame(encodeRequest({ message: { $case: 'point', value: makePoint(7) } })));
    for (let i = 0; i < frame.length; i += 20) {
      socket.write(frame.subarray(i, i + 20));
      await sleep(150);
    }
    await peer.until(() => peer.count('point') === 1, 'the slowly sent point');
    expect(peer.count('error')).toBe(0);
    socket.destroy();
  } finally {
    await server.stop();
  }
}, 30_000);

test('peers trickling partial frames hold the budget: the oldest holder is evicted, never the busy task that completes its frames', async () => {
  // Issue 20, item 4: three peers trickling a byte now and then held all of
  // the budget but 100 bytes, and the next busy task was the one cut.
  const server = await startSocketServer({ args: ['--max-message-size', '1MiB', '--max-partial-frames-size', '3MiB'] });
  const bystander = await working(server);
  const hogs: Array<{ peer: WirePeer; socket: Socket; trickle: NodeJS.Timeout }> = [];
  try {
    for (let i = 0; i < 3; i++) {
      const c = await server.connect();
      c.peer.send(init());
      await c.peer.until(() => c.peer.count('init') === 1, 'the InitResponse');
      await write(c.socket, partialFrame(MiB, MiB - 30));
      const trickle = setInterval(() => {
        if (!c.socket.destroyed && c.socket.writable) c.socket.write(Buffer.alloc(1));
      }, 200);
      hogs.push({ ...c, trickle });
      await sleep(50);
    }
    const busy = await working(server);
    const POINTS = 20;
    for (let i = 0; i < POINTS; i++) busy.peer.point(makePoint(i, { fieldsString: { payload: 'x'.repeat(600_000) } }));
    await busy.peer.until(() => busy.peer.count('point') === 1 + POINTS, 'every point of the busy task', 30_000);
    expect(busy.peer.of('error')).toEqual([]);
    // The oldest hog was evicted (one is enough to make room), with a message naming the budget and its flag.
    const cut = hogs.filter((h) => h.peer.count('error') === 1);
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(cut[0]).toBe(hogs[0]);
    expect(cut[0].peer.of('error')[0].error).toMatch(/incomplete frame .* was the oldest.*--max-partial-frames-size/);
    await stillWorks(bystander.peer, 500);
    await stillWorks(busy.peer, 501);
  } finally {
    for (const h of hogs) {
      clearInterval(h.trickle);
      h.socket.destroy();
    }
    bystander.socket.destroy();
    await server.stop();
  }
}, 60_000);
