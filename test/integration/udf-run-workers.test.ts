/**
 * udf-run --socket --workers: the built binary serving its connections on
 * worker threads, which load the UDF class through udf-run's own loader
 * (CommonJS, ES modules, TypeScript through ts-node).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../support/build';
import { connectPeer as connect } from '../support/connect-peer';
import { expectCase, init, point, pointRequest } from './helpers/messages';
import { fixture } from './helpers/paths';
import { killAllUdfRuns, runUdfRun, UdfRunProcess } from './helpers/udf-run';

const WORKER_UDFS = fixture('transport-udfs.ts');
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-run-workers-'));
}, 120_000);

afterAll(async () => {
  await killAllUdfRuns();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(name: string, args: string[]): Promise<{ proc: UdfRunProcess; sock: string }> {
  const sock = path.join(dir, `${name}-${Math.random().toString(36).slice(2, 8)}.sock`);
  const proc = new UdfRunProcess([name, ...args, '--socket', sock]);
  await proc.waitForStderr('"listening"', 30_000);
  return { proc, sock };
}

/** One task: Init, `count` points, half-close; every response until the server closes. */
async function runTask(sock: string, taskID: string, count: number) {
  const { peer } = await connect(sock);
  peer.send(init([], taskID));
  expect(expectCase(await peer.next(), 'init').success).toBe(true);
  for (let i = 0; i < count; i++) peer.send(pointRequest(point({ time: BigInt(i), tags: { task: taskID }, fieldsDouble: { v: i } })));
  peer.endInput();
  return peer.rest();
}

describe('udf-run --socket --workers', () => {
  test('a CommonJS UDF over 2 workers answers exactly like in-thread udf-run', async () => {
    const inThread = await serve('mirror', ['--module', fixture('mirror-udfs.js')]);
    const threaded = await serve('mirror', ['--module', fixture('mirror-udfs.js'), '--workers', '2']);
    const tasks = ['a', 'b', 'c'];
    const expected = await Promise.all(tasks.map((t) => runTask(inThread.sock, t, 300)));
    const got = await Promise.all(tasks.map((t) => runTask(threaded.sock, t, 300)));
    expect(got).toEqual(expected);
    expect(got[0].length).toBe(300);
    // Concurrent connections go to the least busy thread: both are used.
    expect(
      new Set(
        threaded.proc
          .logs()
          .filter((l) => l.msg === 'connection opened')
          .map((l) => l.worker),
      ),
    ).toEqual(new Set([0, 1]));
    inThread.proc.kill('SIGTERM');
    threaded.proc.kill('SIGTERM');
    expect((await threaded.proc.exited).code).toBe(0);
  });

  test('a TypeScript UDF: connections land on different threads; SIGTERM lets an open one finish, then exits 0', async () => {
    const { proc, sock } = await serve('WhereAmI', ['--module', WORKER_UDFS, '--workers', '2']);
    const a = await connect(sock);
    const b = await connect(sock);
    a.peer.send(init([], 'a'));
    b.peer.send(init([], 'b'));
    await a.peer.next();
    await b.peer.next();
    a.peer.send(pointRequest(point({ time: 1n })));
    b.peer.send(pointRequest(point({ time: 2n })));
    const ta = expectCase(await a.peer.next(), 'point').fieldsInt.threadId;
    const tb = expectCase(await b.peer.next(), 'point').fieldsInt.threadId;
    expect(ta).not.toBe(tb);
    expect([ta, tb]).not.toContain(0n); // the main thread only moves bytes
    b.peer.endInput();
    expect(await b.peer.rest()).toEqual([]);

    proc.kill('SIGTERM');
    await proc.waitForStderr('finishing open connections');
    a.peer.send(pointRequest(point({ time: 3n })));
    expect(expectCase(await a.peer.next(), 'point').time).toBe(3n);
    a.peer.endInput();
    expect(await a.peer.rest()).toEqual([]);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  test('an ES module UDF loads in the workers through import()', async () => {
    const { proc, sock } = await serve('esmTag', ['--module', fixture('esm-udf.mjs'), '--workers', '1']);
    const responses = await runTask(sock, 'esm', 5);
    expect(responses.map((r) => r.message?.$case)).toEqual(new Array(5).fill('point'));
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  test('--workers needs --socket and a sensible number; --describe keeps it', async () => {
    const noSocket = await runUdfRun(['mirror', '--module', fixture('mirror-udfs.js'), '--workers', '2']);
    expect(noSocket.code).toBe(2);
    expect(noSocket.stderr).toContain('--workers only applies with --socket');
    const zero = await runUdfRun(['mirror', '--module', fixture('mirror-udfs.js'), '--socket', path.join(dir, 'x.sock'), '--workers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--workers must be a number of threads from 1 to 256');
    const described = await runUdfRun([
      'mirror',
      '--module',
      fixture('mirror-udfs.js'),
      '--socket',
      path.join(dir, 'd.sock'),
      '--workers',
      '2',
      '--describe',
    ]);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain('--workers');
  });
});
