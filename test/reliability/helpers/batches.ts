/** Streaming large batches from the test peer cheaply: one encoded run of 1,000 points, written again and again. */
import type { Socket } from 'node:net';
import { type BeginBatch, type EndBatch, encodeFrame, encodeRequest, type Option, ValueType } from '@kapacitor-udf/core';
import { init, makePoint } from './points';
import type { SocketUdfServer } from './socket-server';
import type { WirePeer } from './udf-run';

/** A run of 1,000 distinct point frames of about 160 bytes each (the batches), repeated lazily by writePoints. */
export function pointRun(): Buffer {
  return Buffer.concat(
    Array.from({ length: 1000 }, (_, i) =>
      encodeFrame(
        encodeRequest({
          message: {
            $case: 'point',
            value: makePoint(i, { tags: { host: `server${i % 7}`, region: `region-${i % 13}`, dc: 'eu-west-1a' } }),
          },
        }),
      ),
    ),
  );
}

/** Writes `count` points (runs of 1,000), respecting backpressure, until done or the UDF closed the connection. */
export async function writePoints(socket: Socket, peer: WirePeer, count: number): Promise<void> {
  const run = pointRun();
  for (let sent = 0; sent < count && !peer.ended && !socket.destroyed; sent += 1000) {
    if (!socket.write(run)) await drained(socket, peer);
  }
}

function drained(socket: Socket, peer: WirePeer): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      clearInterval(poll);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
    const poll = setInterval(() => peer.ended && done(), 50);
  });
}

/** The outliers example's `field` option, for the batch tests. */
export const FIELD: Option[] = [{ name: 'field', values: [{ type: ValueType.STRING, value: { $case: 'stringValue', value: 'value' } }] }];
export const begin = (n: number): BeginBatch => ({ name: 'cpu', group: '', tags: { n: String(n) }, size: 0n, byName: false });
export const end = (n: number): EndBatch => ({ name: 'cpu', group: '', tmax: BigInt(n), tags: { n: String(n) }, byName: false });

/** A connection to `server` whose Init (with `options`) was answered with success. */
export async function initialized(
  server: SocketUdfServer,
  options: Option[] = FIELD,
  timeoutMs = 30_000,
): Promise<{ socket: Socket; peer: WirePeer }> {
  const c = await server.connect();
  c.peer.send(init(options));
  await c.peer.until(() => c.peer.count('init') === 1, 'the InitResponse', timeoutMs);
  expect(c.peer.of('init')[0]).toEqual({ success: true, error: '' });
  return c;
}

/** A small batch (10 points) on a healthy connection: answered with one output batch. */
export async function smallBatch(peer: WirePeer, n: number, timeoutMs = 30_000): Promise<void> {
  const before = peer.count('end');
  peer.send({ $case: 'begin', value: begin(n) });
  for (let i = 0; i < 10; i++) peer.point(makePoint(i));
  peer.send({ $case: 'end', value: end(n) });
  await peer.until(() => peer.count('end') === before + 1, `the output batch ${n}`, timeoutMs);
}
