/**
 * Socket scenarios that must read the same whether connections are served
 * in the main thread (the default) or on worker threads (`workers`): one
 * test, run in both modes. What only one mode has stays in
 * socket-server.test.ts / socket-workers.test.ts.
 */
import * as fs from 'node:fs';
import type { Response } from '@kapacitor-udf/core';
import { WirePeer } from '@kapacitor-udf/testing';
import { HoldUntilStop } from '../../../test/fixtures/udfs/transport-udfs';
import type { SocketOptions } from '../src/socket-server';
import { init, point } from './helpers/messages';
import { FIXTURE_UDFS, serverFixture, untilClosed } from './helpers/server-fixture';

const fx = serverFixture('udf-modes-', (n) => `udf-${n}.sock`);
const { start } = fx;

const MODES: Array<[string, Partial<SocketOptions>]> = [
  ['in-thread', {}],
  ['on 2 worker threads', { workers: 2, module: FIXTURE_UDFS }],
];

const kinds = (responses: Response[]): Array<string | undefined> => responses.map((r) => r.message?.$case);
/** After the InitResponse: each point's time, or the kind of anything else. */
const afterInit = (responses: Response[]) =>
  responses.slice(1).map((r) => (r.message?.$case === 'point' ? r.message.value.time : r.message?.$case));

describe.each(MODES)('serveSocket %s', (_mode, options) => {
  test('each connection has its own instance; half-close: the agent sees EOF, runs @OnStop and flushes before our side ends', async () => {
    const server = await start(HoldUntilStop, options);
    const a = await WirePeer.connect(server.path);
    const b = await WirePeer.connect(server.path);
    a.send(init('ta', 'na'));
    b.send(init('tb', 'nb'));
    await a.waitFor(1);
    await b.waitFor(1);
    expect(server.connectionCount).toBe(2);
    a.send({ $case: 'point', value: point(1n) });
    a.send({ $case: 'point', value: point(2n) });
    b.send({ $case: 'point', value: point(3n) });
    a.endInput();
    b.endInput();
    const [ra, rb] = await Promise.all([untilClosed(a), untilClosed(b)]);
    expect(afterInit(ra)).toEqual([1n, 2n]);
    expect(afterInit(rb)).toEqual([3n]);
    while (server.connectionCount > 0) await new Promise((r) => setTimeout(r, 5));
    const closed = fx.logger.entries.filter((l) => l.msg === 'connection closed').map((l) => l.fields?.taskID);
    expect(closed.sort()).toEqual(['ta', 'tb']);
  });

  test('close lets open connections finish (no new ones), then stops', async () => {
    const server = await start(HoldUntilStop, { ...options, shutdownTimeoutMs: 10_000 });
    const client = await WirePeer.connect(server.path);
    client.send(init());
    await client.waitFor(1);
    client.send({ $case: 'point', value: point(7n) });
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(server.path)).toBe(false); // no new connections
    client.endInput();
    expect(kinds(await untilClosed(client))).toEqual(['init', 'point']);
    await closing;
    await server.done;
    expect(fx.logger.entries.some((l) => l.msg === 'stopped')).toBe(true);
  });
});
