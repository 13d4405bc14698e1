/** Streaming large batches from the test peer cheaply: one encoded run of 1,000 points, written again and again. */
import type { Socket } from 'node:net';
import { encodeFrame, encodeRequest } from '@kapacitor-udf/core';
import { makePoint } from './points';
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
