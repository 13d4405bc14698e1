/**
 * udf-run as a socket UDF: the built binary listening on a real unix socket,
 * with connections opened the way Kapacitor opens them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValueType } from '@kapacitor-udf/core';
import { ensureBuilt } from '../support/build';
import { connectPeer as connect } from '../support/connect-peer';
import { expectCase, info, init, keepalive, point, pointRequest } from './helpers/messages';
import { fixture } from './helpers/paths';
import { killAllUdfRuns, UdfRunProcess } from './helpers/udf-run';

let dir: string;
let mirrorSock: string;
let mirror: UdfRunProcess;
const MIRROR = fixture('mirror-udfs.js');

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-run-sock-'));
  mirrorSock = path.join(dir, 'mirror.sock');
  mirror = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', mirrorSock]);
  await mirror.waitForStderr('"listening"');
}, 120_000);

afterAll(async () => {
  await killAllUdfRuns();
  fs.rmSync(dir, { recursive: true, force: true });
});

function addField(name: string, value: number) {
  return [
    {
      name: 'field',
      values: [
        { type: ValueType.STRING, value: { $case: 'stringValue' as const, value: name } },
        { type: ValueType.DOUBLE, value: { $case: 'doubleValue' as const, value } },
      ],
    },
  ];
}

/** One task connection: Init, `count` points, half-close; returns what came back before the server closed. */
async function runTask(sock: string, id: number, count: number, options = addField('conn', id)) {
  const { peer } = await connect(sock);
  peer.send(init(options, `task${id}`, `node${id}`));
  expect(expectCase(await peer.next(), 'init').success).toBe(true);
  for (let i = 0; i < count; i++) peer.send(pointRequest(point({ time: BigInt(i), tags: { conn: String(id) } })));
  peer.endInput();
  return peer.rest();
}

describe('udf-run --socket', () => {
  test('the socket file exists with mode 0660 (owner and group only)', () => {
    const stats = fs.lstatSync(mirrorSock);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o660);
  });

  test('an Info-only connection closed right away (Kapacitor startup) leaves the server serving', async () => {
    for (let i = 0; i < 3; i++) {
      const { socket, peer } = await connect(mirrorSock);
      peer.send(info());
      expect(expectCase(await peer.next(), 'info').options.field.valueTypes).toEqual([ValueType.STRING, ValueType.DOUBLE]);
      socket.destroy();
    }
    // Kapacitor may also close before reading the answer.
    const { socket, peer } = await connect(mirrorSock);
    peer.send(info());
    socket.destroy();
    const responses = await runTask(mirrorSock, 0, 1);
    expect(responses).toHaveLength(1);
    // The clean form: Info, then a half-close; the server closes its side.
    const clean = await connect(mirrorSock);
    clean.peer.send(info());
    expectCase(await clean.peer.next(), 'info');
    clean.peer.endInput();
    expect(await clean.peer.rest()).toEqual([]);
  });

  test('several task connections at once: each gets exactly its own output, then a clean close', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((id) => runTask(mirrorSock, id, 200)));
    results.forEach((responses, index) => {
      const id = index + 1;
      expect(responses).toHaveLength(200);
      responses.forEach((r, i) => {
        const p = expectCase(r, 'point');
        expect(p.time).toBe(BigInt(i));
        expect(p.tags).toEqual({ conn: String(id) });
        expect(p.fieldsDouble).toEqual({ value: 1.5, conn: id });
      });
    });
  });

  test('150 concurrent connections all complete', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => 1000 + i);
    const results = await Promise.all(ids.map((id) => runTask(mirrorSock, id, 3)));
    results.forEach((responses, index) => {
      expect(responses.map((r) => expectCase(r, 'point').fieldsDouble.conn)).toEqual([ids[index], ids[index], ids[index]]);
    });
  }, 60_000);

  test('a failing connection and a garbage-sending connection do not disturb another one', async () => {
    const healthy = await connect(mirrorSock);
    healthy.peer.send(init([], 'healthy', 'h'));
    expectCase(await healthy.peer.next(), 'init');

    const failing = await connect(mirrorSock);
    failing.peer.send(init([], 'failing', 'f'));
    expectCase(await failing.peer.next(), 'init');
    failing.peer.send(pointRequest(point({ fieldsString: { fail: 'on purpose' } })));
    const failed = await failing.peer.rest();
    expect(expectCase(failed[failed.length - 1], 'error').error).toContain('asked to fail: on purpose');

    const garbage = await connect(mirrorSock);
    garbage.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    const garbageResponses = await garbage.peer.rest();
    expect(expectCase(garbageResponses[garbageResponses.length - 1], 'error').error.length).toBeGreaterThan(0);

    healthy.peer.send(keepalive(77n));
    healthy.peer.send(pointRequest(point({ time: 3n })));
    expect(expectCase(await healthy.peer.next(), 'keepalive').time).toBe(77n);
    expect(expectCase(await healthy.peer.next(), 'point').time).toBe(3n);
    healthy.peer.endInput();
    expect(await healthy.peer.rest()).toEqual([]);
    expect(mirror.child.exitCode).toBeNull();

    const failedLog = mirror.logs().find((l) => l.level === 'error' && l.taskID === 'failing');
    expect(failedLog).toMatchObject({ nodeID: 'f' });
  });

  test('an error thrown outside any handler call is logged and the server keeps serving', async () => {
    const { peer } = await connect(mirrorSock);
    peer.send(init([], 'timer', 't'));
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ fieldsString: { throwLater: 'socket' } })));
    expectCase(await peer.next(), 'point');
    await mirror.waitForStderr('thrown from a timer: socket');
    peer.endInput();
    await peer.rest();
    expect(mirror.child.exitCode).toBeNull();
    expect(await runTask(mirrorSock, 10, 2)).toHaveLength(2);
  });

  test('a second server on the same path is refused while the first is alive', async () => {
    const second = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', mirrorSock]);
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(second.stderr).toContain(`another udf-run is serving ${mirrorSock}`);
    // The first one still serves.
    expect(await runTask(mirrorSock, 9, 1)).toHaveLength(1);
  });

  test('a path that is not a socket is refused and left untouched', async () => {
    const file = path.join(dir, 'regular.sock');
    fs.writeFileSync(file, 'keep me');
    const proc = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', file]);
    expect((await proc.exited).code).not.toBe(0);
    expect(proc.stderr).toContain('not a unix socket');
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  });

  test('a directory that does not exist is reported', async () => {
    const proc = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', path.join(dir, 'missing', 'x.sock')]);
    expect((await proc.exited).code).not.toBe(0);
    expect(proc.stderr).toContain('does not exist');
  });
});

describe('udf-run --socket lifecycle', () => {
  test('stale socket from a crashed run is replaced; half-close delivers pending output; SIGTERM waits for open connections, exits 0 and removes the file', async () => {
    const sock = path.join(dir, 'buffer.sock');
    const args = ['BufferUdf', '--module', MIRROR, '--socket', sock, '--socket-mode', '600', '--shutdown-timeout', '20s'];

    // A crashed server leaves its socket file behind.
    const crashed = new UdfRunProcess(args);
    await crashed.waitForStderr('"listening"');
    crashed.kill('SIGKILL');
    await crashed.exited;
    expect(fs.lstatSync(sock).isSocket()).toBe(true);

    const server = new UdfRunProcess(args);
    await server.waitForStderr('"listening"');
    expect(fs.lstatSync(sock).mode & 0o777).toBe(0o600);

    // Half-close: the UDF only answers after EOF, and the answer still arrives.
    expect((await runTask(sock, 1, 20, [])).map((r) => expectCase(r, 'point').time)).toEqual(
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );

    // A task connection is open when SIGTERM arrives: the server stops
    // accepting but lets it finish.
    const { peer } = await connect(sock);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ time: 11n })));
    server.kill('SIGTERM');
    await server.waitForStderr('shutting down');
    await expect(connect(sock)).rejects.toThrow();
    peer.send(pointRequest(point({ time: 12n })));
    peer.endInput();
    expect((await peer.rest()).map((r) => expectCase(r, 'point').time)).toEqual([11n, 12n]);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(sock)).toBe(false);
  });

  test("serveSocket from a user's own main: mode option, serving, SIGTERM resolves done and exits 0", async () => {
    const sock = path.join(dir, 'main.sock');
    const server = new UdfRunProcess([sock], { script: fixture('serve-main.js') });
    await server.waitForStderr(`ready ${sock}`);
    expect(fs.lstatSync(sock).mode & 0o777).toBe(0o600);
    expect(await runTask(sock, 1, 5)).toHaveLength(5);
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr).toContain('done');
    expect(fs.existsSync(sock)).toBe(false);
  });

  test('SIGTERM with a connection that never ends: it is cut after the shutdown timeout, exit 0', async () => {
    const sock = path.join(dir, 'cut.sock');
    const server = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', sock, '--shutdown-timeout', '300ms']);
    await server.waitForStderr('"listening"');
    const { peer } = await connect(sock);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    server.kill('SIGTERM');
    const rest = await peer.rest();
    expect(rest.every((r) => r.message?.$case === 'error')).toBe(true);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(sock)).toBe(false);
  });
});
