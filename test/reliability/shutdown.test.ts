/**
 * SIGTERM while points are flowing: every point whose response was produced
 * before the signal is delivered before exit. The fixture UDF `faulty`
 * produces the response of a marker point (ctx.emit) and then signals its
 * own process, so "produced before the signal" is exact, not a race: the
 * marker, and every point before it, must reach the client, in order, as
 * whole frames.
 */

import type { Writable } from 'node:stream';
import { encodeFrame, encodeRequest, type Point } from '@kapacitor-udf/core';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { spawnUdfRun, type WirePeer } from './helpers/udf-run';

const MARKER = 3000;
const TOTAL = 20_000;

beforeAll(() => requireBuilt());

const pointAt = (i: number): Point => (i === MARKER ? makePoint(i, { fieldsString: { do: 'sigterm' } }) : makePoint(i));

/** Writes TOTAL points (the marker among them) as fast as the UDF reads them, stopping when the UDF goes away. */
function flood(out: Writable): { sent(): number; stop(): void } {
  let i = 0;
  let stopped = false;
  const pump = (): void => {
    while (!stopped && i < TOTAL && !out.destroyed && !out.writableEnded) {
      const ok = out.write(encodeFrame(encodeRequest({ message: { $case: 'point', value: pointAt(i++) } })));
      if (!ok) {
        out.once('drain', pump);
        return;
      }
      if (i % 1000 === 0) {
        setImmediate(pump);
        return;
      }
    }
  };
  out.on('close', () => (stopped = true));
  pump();
  return { sent: () => i, stop: () => void (stopped = true) };
}

/** The output is a clean, in-order prefix of the input that includes the marker. */
function expectPrefixThroughMarker(peer: WirePeer): void {
  expect(peer.outputError).toBeUndefined();
  const points = peer.of('point');
  expect(points.length).toBeGreaterThan(MARKER);
  points.forEach((p, i) => {
    if (p.time !== pointAt(i).time)
      throw new Error(`response ${i} is the point with time ${p.time}, expected ${pointAt(i).time}: lost or reordered`);
  });
  expect(points[MARKER]).toEqual(pointAt(MARKER));
  // At most one ErrorResponse, and only as the very last message.
  const errors = peer.responses.filter((r) => r.message?.$case === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors.length === 1) expect(peer.responses.at(-1)).toBe(errors[0]);
}

test('process UDF: SIGTERM under load delivers every response produced before it, then exits', async () => {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS });
  try {
    udf.peer.send(init());
    const writer = flood(udf.child.stdin!);
    const code = await udf.exited(20_000);
    writer.stop();
    await udf.peer.closed();
    expectPrefixThroughMarker(udf.peer);
    expect(udf.stderr()).toMatch(/SIGTERM/);
    expect(code).not.toBe('SIGKILL');
  } finally {
    udf.kill();
  }
});

test('socket UDF: SIGTERM under load; a client that then stops cleanly gets every point back, the server exits 0', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS });
  try {
    const { peer, socket } = await server.connect();
    peer.send(init());
    const writer = flood(socket);
    await peer.until(() => peer.count('point') > MARKER, 'the marker point');
    // Kapacitor stopping the task: no more points, EOF.
    writer.stop();
    const sent = writer.sent();
    peer.endInput();
    await peer.closed(20_000);
    socket.destroy();
    expectPrefixThroughMarker(peer);
    expect(peer.count('point')).toBe(sent);
    expect(peer.count('error')).toBe(0);
    expect(await server.exit).toBe(0);
  } finally {
    await server.stop().catch(() => undefined);
  }
});

test('socket UDF: SIGTERM under load with a client that keeps sending: cut after --shutdown-timeout, everything produced is delivered', async () => {
  const server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--shutdown-timeout', '300ms'] });
  try {
    const { peer, socket } = await server.connect();
    peer.send(init());
    const writer = flood(socket);
    await peer.closed(20_000);
    writer.stop();
    socket.destroy();
    expectPrefixThroughMarker(peer);
    expect(await server.exit).toBe(0);
  } finally {
    await server.stop().catch(() => undefined);
  }
});
