/**
 * The last ErrorResponse reaches the peer even while the peer keeps sending:
 * a socket destroyed with unread input is reset by the kernel, and the reset
 * discards responses the peer had not read yet. The server reads and
 * discards until the peer ends its side (bounded in time), then closes.
 */
import type { Socket } from 'node:net';
import { encodeFrame, encodeRequest } from '@kapacitor-udf/core';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { sleep } from './helpers/udf-run';

beforeAll(() => requireBuilt());

let server: SocketUdfServer;
beforeAll(async () => {
  server = await startSocketServer({ name: 'faulty', module: FIXTURE_UDFS });
});
afterAll(async () => {
  await server?.stop();
});

const more = Buffer.concat(
  Array.from({ length: 2000 }, (_, i) => encodeFrame(encodeRequest({ message: { $case: 'point', value: makePoint(100 + i) } }))),
);

test.each([1, 2, 3, 4, 5])('a failing handler while the peer keeps sending: the ErrorResponse arrives (round %i)', async () => {
  const { peer, socket } = await server.connect();
  try {
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'the InitResponse');
    peer.point(makePoint(1, { fieldsString: { do: 'throw' } }));
    // Kapacitor does not stop sending because the UDF failed: keep writing for a while.
    for (let i = 0; i < 20 && !socket.destroyed; i++) {
      peer.sendRaw(more);
      await sleep(5);
    }
    await peer.closed();
    expect(peer.of('error').map((e) => e.error)).toEqual([expect.stringMatching(/asked to throw/)]);
    expect(peer.readError).toBeUndefined();
  } finally {
    (socket as Socket).destroy();
  }
});
