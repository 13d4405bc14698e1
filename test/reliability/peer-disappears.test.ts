/**
 * The peer disappears mid-stream: Kapacitor's end of the pipe closes, or the
 * socket is reset. No unhandled exception, the connection is cleaned up, and
 * a process UDF exits non-zero with a clear log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodeFrame, encodeRequest, silentLogger } from '@kapacitor-udf/core';
import { serveSocket } from '@kapacitor-udf/transports';
import { Mirror } from '../../examples/mirror/src';
import { connectPeer } from '../support/connect-peer';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun, withTimeout } from './helpers/udf-run';

beforeAll(() => requireBuilt());

/** Streams points until `stop()` is called, respecting backpressure. */
function streamPoints(
  write: (p: ReturnType<typeof makePoint>) => boolean,
  onDrain: (cb: () => void) => void,
): { stop(): void; sent(): number } {
  let n = 0;
  let stopped = false;
  const pump = (): void => {
    while (!stopped) {
      if (!write(makePoint(n++))) {
        onDrain(pump);
        return;
      }
      if (n % 500 === 0) {
        setImmediate(pump);
        return;
      }
    }
  };
  pump();
  return { stop: () => void (stopped = true), sent: () => n };
}

test('a process UDF whose stdout reader goes away mid-stream exits non-zero with a clear log line', async () => {
  const udf = spawnUdfRun({ name: 'mirror' });
  try {
    const { peer, child } = udf;
    peer.send(init());
    const stream = streamPoints(
      (p) => child.stdin!.write(Buffer.from(encodePoint(p))),
      (cb) => child.stdin!.once('drain', cb),
    );
    await peer.until(() => peer.count('point') >= 100, 'the first mirrored points');
    // Kapacitor's read end closes: the UDF's next writes fail with EPIPE.
    child.stdout!.destroy();
    const code = await udf.exited(20_000);
    stream.stop();
    expect(typeof code === 'number' && code !== 0).toBe(true);
    const log = udf.stderr();
    expect(log).toMatch(/output stream failed: write EPIPE \(the peer closed the connection before reading every response\)/);
    expect(log).toMatch(/"msg":"exiting after a fatal error"/);
    expect(log).not.toMatch(/Uncaught|unhandled/i);
  } finally {
    udf.kill();
  }
});

test('a process UDF whose both pipes close while it still owes responses (Kapacitor died) exits non-zero with a log line', async () => {
  // A clean EOF with nothing owed is Kapacitor's normal stop: the UDF cannot
  // tell it apart. So the peer dies while a point (100 ms of work) is in
  // flight: its response can no longer be delivered.
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS });
  try {
    const { peer, child } = udf;
    peer.send(init());
    for (let i = 0; i < 50; i++) peer.point(makePoint(i));
    await peer.until(() => peer.count('point') === 50, 'the first mirrored points');
    peer.point(makePoint(50, { fieldsString: { do: 'sleep' }, fieldsInt: { ms: 100n } }));
    await sleep(20);
    child.stdout!.destroy();
    child.stdin!.destroy();
    const code = await udf.exited(20_000);
    expect(typeof code === 'number' && code !== 0).toBe(true);
    expect(udf.stderr()).toMatch(/"msg":"exiting after a fatal error".*"error":"output stream failed: write EPIPE/);
  } finally {
    udf.kill();
  }
});

test('udf-run socket server: connections closed mid-stream with unread responses are cleaned up, the server keeps serving', async () => {
  const server = await startSocketServer({ name: 'mirror' });
  try {
    for (let round = 0; round < 3; round++) {
      const { socket, peer } = await server.connect();
      peer.send(init());
      const stream = streamPoints(
        (p) => socket.write(Buffer.from(encodePoint(p))),
        (cb) => socket.once('drain', cb),
      );
      await peer.until(() => peer.count('point') >= 200, 'the first mirrored points');
      stream.stop();
      // Unix sockets have no RST: closing with unread responses queued is
      // the reset (the server's reads/writes fail with ECONNRESET / EPIPE).
      socket.destroy();
    }
    // A fresh connection is served in full.
    const { peer, socket } = await server.connect();
    peer.send(init());
    for (let i = 0; i < 50; i++) peer.point(makePoint(i));
    peer.endInput();
    await peer.closed();
    socket.destroy();
    expect(peer.of('point')).toEqual(Array.from({ length: 50 }, (_, i) => makePoint(i)));
    expect(server.child.exitCode).toBeNull();
    // Each cut connection is cleaned up and logged as closed. Whether as
    // "after an error" depends on timing: if the server had already written
    // every response when the peer vanished, it sees a plain EOF.
    const closedLine = (id: number) => new RegExp(`"msg":"connection closed[^"]*"[^\\n]*"connection":${id}[,}]`);
    await withTimeout(
      (async () => {
        while (![1, 2, 3].every((id) => closedLine(id).test(server.log()))) await sleep(50);
      })(),
      10_000,
      () => `expected connections 1-3 to be logged as closed:\n${server.log()}`,
    );
    expect(server.log()).not.toMatch(/uncaught/i);
  } finally {
    expect(await server.stop()).toBe(0);
  }
});

describe('serveSocket in this process (its connection count is visible)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'udf-reset-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('connections gone mid-stream and a half-closed slow reader all end; connectionCount returns to 0; no uncaught error', async () => {
    const server = await serveSocket(Mirror, { path: path.join(dir, 's.sock'), logger: silentLogger });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const sockets: Socket[] = [];
      for (let i = 0; i < 6; i++) {
        const { socket, peer } = await connectPeer(server.path);
        sockets.push(socket);
        peer.send(init());
        for (let j = 0; j < 2000; j++) peer.point(makePoint(j));
      }
      expect(server.connectionCount).toBe(6);
      await sleep(50);
      // Gone with unread responses queued (a unix socket's reset), mid-request.
      for (const i of [0, 1, 3, 4, 5]) sockets[i].destroy();
      // Half-closed, and not reading: finishes once its responses are read.
      sockets[2].pause();
      sockets[2].end();
      await withTimeout(
        (async () => {
          while (server.connectionCount > 1) await sleep(20);
        })(),
        10_000,
        () => `connections still open: ${server.connectionCount}`,
      );
      // The paused half-closed one finishes once its responses are read.
      sockets[2].resume();
      await withTimeout(
        (async () => {
          while (server.connectionCount > 0) await sleep(20);
        })(),
        10_000,
        () => `connections still open: ${server.connectionCount}`,
      );
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await server.close();
    }
  });
});

function encodePoint(p: ReturnType<typeof makePoint>): Uint8Array {
  return encodeFrame(encodeRequest({ message: { $case: 'point', value: p } }));
}
