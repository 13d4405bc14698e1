import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { encodeFrame, encodeRequest, type Point, type Response } from '@kapacitor-udf/core';
import type { UdfClass } from '@kapacitor-udf/decorators';
import { WirePeer } from '@kapacitor-udf/testing';
import { Compute, WhereAmI } from '../../../test/fixtures/udfs/transport-udfs';
import { InvalidTransportOptionError, WorkerStartError } from '../src/errors';
import type { SocketOptions } from '../src/socket-server';
import { init, point } from './helpers/messages';
import { FIXTURE_UDFS, serverFixture, untilClosed } from './helpers/server-fixture';

const fx = serverFixture('udf-workers-', (n) => `udf-${n}.sock`);
const { start } = fx;

const withWorkers = (workers = 2): Partial<SocketOptions> => ({ workers, module: FIXTURE_UDFS });
const kinds = (responses: Response[]): Array<string | undefined> => responses.map((r) => r.message?.$case);
const pointsOf = (responses: Response[]) => responses.flatMap((r) => (r.message?.$case === 'point' ? [r.message.value] : []));

/** One whole conversation: Init, `count` points, half-close; resolves with every response. */
async function converse(server: { path: string }, taskID: string, count: number): Promise<Response[]> {
  const client = await WirePeer.connect(server.path);
  client.send(init(taskID));
  for (let i = 0; i < count; i++)
    client.send({ $case: 'point', value: point(BigInt(i), { fieldsDouble: { v: i * 1.5 }, tags: { task: taskID } }) });
  client.endInput();
  return untilClosed(client);
}

describe('serveSocket with workers', () => {
  test('several connections give exactly the output of in-thread serving', async () => {
    const inThread = await start(Compute);
    const threaded = await start(Compute, withWorkers(2));
    const tasks = ['a', 'b', 'c', 'd'];
    const expected = await Promise.all(tasks.map((t) => converse(inThread, t, 500)));
    const got = await Promise.all(tasks.map((t) => converse(threaded, t, 500)));
    expect(got).toEqual(expected);
    expect(kinds(got[0])).toEqual(['init', ...new Array(500).fill('point')]);
    expect(pointsOf(got[3])[499].fieldsInt.seq).toBe(500n);
  });

  test('connections are spread over the worker threads', async () => {
    const server = await start(WhereAmI, withWorkers(2));
    const a = await WirePeer.connect(server.path);
    const b = await WirePeer.connect(server.path);
    a.send(init('a'));
    b.send(init('b'));
    a.send({ $case: 'point', value: point(1n) });
    b.send({ $case: 'point', value: point(2n) });
    const [, pa] = await a.waitFor(2);
    const [, pb] = await b.waitFor(2);
    const ta = pa.message?.$case === 'point' ? pa.message.value.fieldsInt.threadId : undefined;
    const tb = pb.message?.$case === 'point' ? pb.message.value.fieldsInt.threadId : undefined;
    expect(typeof ta).toBe('bigint');
    expect(ta).not.toBe(tb);
    expect([ta, tb]).not.toContain(BigInt(threadId));
    a.endInput();
    b.endInput();
    await Promise.all([untilClosed(a), untilClosed(b)]);
    const workersLogged = fx.logger.entries.filter((l) => l.msg === 'connection opened').map((l) => l.fields?.worker);
    expect(workersLogged.sort()).toEqual([0, 1]);
  });

  test('a throwing handler fails its connection only, with an ErrorResponse logged with its task', async () => {
    const server = await start(Compute, withWorkers(2));
    const good = await WirePeer.connect(server.path);
    const bad = await WirePeer.connect(server.path);
    const alsoGood = await WirePeer.connect(server.path); // shares a thread with one of them
    good.send(init('good'));
    bad.send(init('bad', 'b'));
    alsoGood.send(init('also'));
    bad.send({ $case: 'point', value: point(1n, { fieldsString: { fail: 'x' } }) });
    const badResponses = await untilClosed(bad);
    expect(kinds(badResponses)).toEqual(['init', 'error']);
    expect(badResponses[1].message?.$case === 'error' && badResponses[1].message.value.error).toContain('failing on purpose: x');
    for (const c of [good, alsoGood]) {
      for (let i = 0; i < 100; i++) c.send({ $case: 'point', value: point(BigInt(i)) });
      c.endInput();
    }
    for (const responses of await Promise.all([untilClosed(good), untilClosed(alsoGood)])) {
      expect(kinds(responses)).toEqual(['init', ...new Array(100).fill('point')]);
    }
    const failure = fx.logger.entries.find((l) => l.level === 'error');
    expect(failure?.fields).toMatchObject({ taskID: 'bad', nodeID: 'b' });
  });

  test('a crashed worker fails only its connections, with an ErrorResponse, and is replaced', async () => {
    // A point with a `crash` field makes Compute call process.exit(), which ends its worker thread.
    const crashing = await start(Compute, withWorkers(2));
    const doomed = await WirePeer.connect(crashing.path);
    const survivor = await WirePeer.connect(crashing.path);
    doomed.send(init('doomed'));
    survivor.send(init('survivor'));
    await doomed.waitFor(1);
    await survivor.waitFor(1);
    doomed.send({ $case: 'point', value: point(1n, { fieldsString: { crash: 'yes' } }) });
    const doomedResponses = await untilClosed(doomed);
    expect(kinds(doomedResponses)).toEqual(['init', 'error']);
    const error = doomedResponses[1].message?.$case === 'error' ? doomedResponses[1].message.value.error : '';
    expect(error).toContain('worker thread stopped unexpectedly');

    survivor.send({ $case: 'point', value: point(2n) });
    survivor.endInput();
    expect(kinds(await untilClosed(survivor))).toEqual(['init', 'point']);

    // The replacement thread serves new connections.
    const again = await Promise.all([converse(crashing, 'x', 10), converse(crashing, 'y', 10)]);
    for (const r of again) expect(kinds(r)).toEqual(['init', ...new Array(10).fill('point')]);
    expect(fx.logger.entries.some((l) => l.msg.startsWith('worker thread stopped unexpectedly'))).toBe(true);
  });

  test('backpressure holds end to end: a peer that does not read stops the server reading, and nothing is lost', async () => {
    const server = await start(Compute, withWorkers(1));
    const client = await WirePeer.connect(server.path);
    const socket = client.toUdf as Socket;
    socket.pause(); // read nothing: the UDF's output backs up
    const frame = Buffer.from(encodeFrame(encodeRequest({ message: { $case: 'point', value: point(1n, { fieldsDouble: { v: 2 } }) } })));
    socket.write(encodeFrame(encodeRequest({ message: init() })));
    // Far more than every window and socket buffer on the way together (a few MiB).
    const total = Math.ceil((48 * 1024 * 1024) / frame.length);
    let sent = 0;
    let blocked = false;
    while (sent < total) {
      sent++;
      if (!socket.write(frame)) {
        const drained = await Promise.race([
          new Promise<boolean>((r) => socket.once('drain', () => r(true))),
          new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
        ]);
        if (!drained) {
          blocked = true;
          break;
        }
      }
    }
    expect(blocked).toBe(true);
    expect(sent).toBeLessThan(total);
    // Reading again lets everything through, in order.
    const responses = untilClosed(client);
    socket.resume();
    await new Promise<void>((r) => (socket.writableNeedDrain ? socket.once('drain', () => r()) : r()));
    client.endInput();
    const all = await responses;
    expect(all.length).toBe(1 + sent);
    expect(kinds(all).filter((k) => k !== 'point')).toEqual(['init']);
    expect(pointsOf(all)[sent - 1].fieldsInt.seq).toBe(BigInt(sent));
  });

  test('close cuts connections still open after the shutdown timeout, with an ErrorResponse from their worker', async () => {
    const server = await start(Compute, { ...withWorkers(2), shutdownTimeoutMs: 30 });
    const client = await WirePeer.connect(server.path);
    client.send(init());
    await client.waitFor(1);
    await server.close();
    const responses = await untilClosed(client);
    expect(kinds(responses)).toEqual(['init', 'error']);
    expect(responses[1].message?.$case === 'error' && responses[1].message.value.error).toContain('shutting down');
    expect(server.connectionCount).toBe(0);
  });

  test('a class the workers cannot load is refused before the socket exists', async () => {
    const sock = path.join(fx.dir, 'never.sock');
    await expect(start(Compute, { path: sock, workers: 2, module: FIXTURE_UDFS, exportName: 'Nope' })).rejects.toThrow(WorkerStartError);
    await expect(start(Compute, { path: sock, workers: 1, module: path.join(fx.dir, 'missing.js') })).rejects.toMatchObject({
      code: 'ERR_WORKER_START_FAILED',
    });
    expect(fs.existsSync(sock)).toBe(false);
    // Defined here, not exported by any CommonJS module: the workers could not find it.
    await expect(start(defineLocalUdf(), { path: sock, workers: 2 })).rejects.toThrow(InvalidTransportOptionError);
    await expect(start(Compute, { path: sock, workers: -1 })).rejects.toThrow('workers');
  });
});

test('a module that calls serveSocket at its top level fails to load in a worker (no threads starting threads)', async () => {
  (globalThis as { noSelfServe?: boolean }).noSelfServe = true;
  const { SelfServing } = require('./fixtures/self-serving-udf') as typeof import('./fixtures/self-serving-udf');
  const file = path.join(__dirname, 'fixtures', 'self-serving-udf.ts');
  const failure = start(SelfServing, { workers: 1, module: file });
  await expect(failure).rejects.toThrow(WorkerStartError);
  await expect(failure).rejects.toThrow('call it only when that file runs as the program');
  expect(fs.existsSync('/tmp/self-serving-never.sock')).toBe(false);
});

function defineLocalUdf(): UdfClass {
  const { Udf, OnPoint } = require('@kapacitor-udf/decorators') as typeof import('@kapacitor-udf/decorators');
  @Udf({ wants: 'stream', provides: 'stream' })
  class Local {
    @OnPoint()
    point(p: Point): Point {
      return p;
    }
  }
  return Local;
}
