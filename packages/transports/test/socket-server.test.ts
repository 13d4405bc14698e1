import * as fs from 'node:fs';
import * as path from 'node:path';
import { UdfDefinitionError } from '@kapacitor-udf/decorators';
import { WirePeer } from '@kapacitor-udf/testing';
import { Echo } from '../../../test/fixtures/udfs/transport-udfs';
import { InvalidTransportOptionError, SocketInUseError } from '../src/errors';
import { init, point } from './helpers/messages';
import { serverFixture, untilClosed } from './helpers/server-fixture';
import { makeStaleSocket } from './helpers/stale-socket';

const fx = serverFixture('udf-sockserver-', () => 'udf.sock');
const { start } = fx;

describe('serveSocket', () => {
  test('listens with mode 0660 by default; close removes the file and resolves done', async () => {
    const server = await start(Echo);
    expect(server.path).toBe(path.join(fx.dir, 'udf.sock'));
    const stats = fs.lstatSync(server.path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o660);
    await server.close();
    await server.done;
    expect(fs.existsSync(server.path)).toBe(false);
  });

  test('the mode is settable', async () => {
    const server = await start(Echo, { mode: 0o600 });
    expect(fs.lstatSync(server.path).mode & 0o777).toBe(0o600);
  });

  test('a failing connection ends with an ErrorResponse and is logged with its task and node; others go on', async () => {
    const server = await start(Echo);
    const good = await WirePeer.connect(server.path);
    const bad = await WirePeer.connect(server.path);
    good.send(init('good', 'g'));
    bad.send(init('bad', 'b'));
    bad.send({ $case: 'point', value: point(1n, { fieldsString: { fail: 'x' } }) });
    const badResponses = await untilClosed(bad);
    const last = badResponses[badResponses.length - 1];
    expect(last.message?.$case).toBe('error');
    good.send({ $case: 'point', value: point(5n) });
    const [, echoed] = await good.waitFor(2);
    expect(echoed.message?.$case === 'point' && echoed.message.value.time).toBe(5n);
    good.endInput();
    await untilClosed(good);
    const failure = fx.logger.entries.find((l) => l.level === 'error');
    expect(failure?.fields).toMatchObject({ taskID: 'bad', nodeID: 'b' });
    expect(failure?.msg).toContain('failing on purpose: x');
  });

  test('close cuts connections still open after the shutdown timeout', async () => {
    const server = await start(Echo, { shutdownTimeoutMs: 30 });
    const client = await WirePeer.connect(server.path);
    client.send(init());
    await client.waitFor(1);
    await server.close();
    const responses = await untilClosed(client);
    expect(responses[0].message?.$case).toBe('init');
    expect(server.connectionCount).toBe(0);
    expect(fx.logger.entries.some((l) => l.msg.includes('shutdown timeout'))).toBe(true);
  });

  test('a stale socket is replaced; a live one is refused', async () => {
    const sock = path.join(fx.dir, 'udf.sock');
    await makeStaleSocket(sock);
    const server = await start(Echo);
    await expect(start(Echo)).rejects.toThrow(SocketInUseError);
    const client = await WirePeer.connect(server.path);
    client.send({ $case: 'info', value: {} });
    const [info] = await client.waitFor(1);
    expect(info.message?.$case).toBe('info');
    client.toUdf.destroy();
  });

  test('options and the class are checked up front', async () => {
    class Plain {}
    await expect(start(Plain)).rejects.toThrow(expect.objectContaining({ name: 'UdfDefinitionError', code: 'ERR_NOT_A_UDF_CLASS' }));
    await expect(start(Plain)).rejects.toThrow(UdfDefinitionError);
    await expect(start(Echo, { mode: 0o1777 })).rejects.toThrow(InvalidTransportOptionError);
    await expect(start(Echo, { path: '' })).rejects.toThrow('needs a path');
    await expect(start(Echo, { shutdownTimeoutMs: -1 })).rejects.toThrow('shutdownTimeoutMs');
  });
});
