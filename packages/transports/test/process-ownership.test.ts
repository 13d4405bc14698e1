/**
 * The servers leave the process to the program (udf-run's process-owner.ts,
 * or a user's own main): no signal or uncaught-error handler is installed,
 * nothing exits. They are stopped through their handle instead.
 */
import * as fs from 'node:fs';
import { WirePeer } from '@kapacitor-udf/testing';
import { Echo } from '../../../test/fixtures/udfs/transport-udfs';
import { init } from './helpers/messages';
import { FIXTURE_UDFS, serverFixture } from './helpers/server-fixture';

const fx = serverFixture('udf-ownership-', (n) => `udf-${n}.sock`);

const EVENTS = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const;
const listeners = (): number[] => EVENTS.map((event) => process.listenerCount(event));

describe.each([
  ['in-thread', {}],
  ['worker threads', { workers: 1, module: FIXTURE_UDFS }],
])('serveSocket (%s)', (_mode, options) => {
  test('installs no process handler, from start to close', async () => {
    const before = listeners();
    const server = await fx.start(Echo, options);
    expect(listeners()).toEqual(before);
    await server.close();
    expect(listeners()).toEqual(before);
  });

  test('destroy() cuts an open connection at once, removes the socket file; done resolves', async () => {
    const server = await fx.start(Echo, { ...options, shutdownTimeoutMs: 60_000 });
    const peer = await WirePeer.connect(server.path);
    peer.send(init());
    await peer.next();
    const t0 = Date.now();
    await server.destroy();
    expect(fs.existsSync(server.path)).toBe(false);
    await peer.closed();
    await server.done;
    // Far less than the 60 s a graceful close would have waited for the connection.
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(server.connectionCount).toBe(0);
  });
});

describe("messages speak in the API's terms unless the program names its options", () => {
  test('option names by default, the names given in optionNames otherwise', async () => {
    const options = { maxMessageSize: 2048, maxPartialFramesSize: 1024 };
    await expect(fx.start(Echo, options)).rejects.toThrow('raise maxPartialFramesSize or lower maxMessageSize');
    const optionNames = { maxPartialFramesSize: '--max-partial-frames-size', maxMessageSize: '--max-message-size' };
    await expect(fx.start(Echo, { ...options, optionNames })).rejects.toThrow(
      'raise --max-partial-frames-size or lower --max-message-size',
    );
  });
});
