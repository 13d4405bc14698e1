/**
 * udf-run in production: --metrics (also with --workers), --stats-interval,
 * --on-error, reload (SIGHUP, --watch) and systemd socket activation, each
 * through the built binary and real sockets.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../support/build';
import { connectPeer as connect } from '../support/connect-peer';
import { expectCase, init, point, pointRequest } from './helpers/messages';
import { BIN, fixture, ROOT } from './helpers/paths';
import { killAllUdfRuns, runUdfRun, UdfRunProcess } from './helpers/udf-run';

const MIRROR = fixture('mirror-udfs.js');
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-run-ops-'));
}, 120_000);

afterAll(async () => {
  await killAllUdfRuns();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const sockPath = (): string => path.join(dir, `s${++n}.sock`);

function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** The port udf-run logged for its metrics listener ("metrics listening", address 127.0.0.1:PORT). */
async function metricsPort(proc: UdfRunProcess): Promise<number> {
  await proc.waitForStderr('"listening"');
  const line = proc.logs().find((l) => l.msg === 'metrics listening');
  return Number(String(line?.address).split(':').pop());
}

/** A metric's value for a task (sum over its series). */
function metric(body: string, name: string, task: string): number {
  let sum = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(`task="${task}"`)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

async function openTask(sock: string, task: string, count: number, options: Parameters<typeof init>[0] = []) {
  const { peer, socket } = await connect(sock);
  peer.send(init(options, task, `${task}_node`));
  expect(expectCase(await peer.next(), 'init').success).toBe(true);
  for (let i = 0; i < count; i++) peer.send(pointRequest(point({ time: BigInt(i) })));
  if (count > 0) await peer.waitFor(1 + count);
  return { peer, socket };
}

describe('udf-run --metrics', () => {
  test('serves per-task counts, process metrics and /ready; /ready is 503 while draining', async () => {
    const sock = sockPath();
    const proc = new UdfRunProcess([
      'mirror',
      '--module',
      MIRROR,
      '--socket',
      sock,
      '--metrics',
      '127.0.0.1:0',
      // Long enough that a loaded machine cannot end the drain before /ready is
      // asked below (the test ends the connection itself).
      '--shutdown-timeout',
      '60s',
    ]);
    const port = await metricsPort(proc);
    const a = await openTask(sock, 'taskA', 7);
    a.peer.send({ $case: 'keepalive', value: { time: 1n } });
    await a.peer.waitFor(9);
    const body = (await httpGet(port, '/metrics')).body;
    expect(metric(body, 'kapacitor_udf_points_received_total', 'taskA')).toBe(7);
    expect(metric(body, 'kapacitor_udf_points_emitted_total', 'taskA')).toBe(7);
    expect(metric(body, 'kapacitor_udf_keepalives_total', 'taskA')).toBe(1);
    expect(metric(body, 'kapacitor_udf_received_bytes_total', 'taskA')).toBeGreaterThan(7 * 20);
    expect(body).toContain('node="taskA_node"');
    expect(body).toMatch(/^kapacitor_udf_open_connections 1$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(await httpGet(port, '/ready')).toEqual({ status: 200, body: 'ready\n' });

    // The connection stays open: the shutdown drains it, and /ready says so meanwhile.
    proc.kill('SIGTERM');
    await proc.waitForStderr('shutting down');
    expect((await httpGet(port, '/ready')).status).toBe(503);
    a.peer.endInput();
    expect((await proc.exited).code).toBe(0);
  });

  test('with --workers, one scrape shows the connections of every thread', async () => {
    const sock = sockPath();
    const proc = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', sock, '--workers', '2', '--metrics', '127.0.0.1:0']);
    const port = await metricsPort(proc);
    const a = await openTask(sock, 'wA', 5);
    const b = await openTask(sock, 'wB', 3);
    const body = (await httpGet(port, '/metrics')).body;
    expect(metric(body, 'kapacitor_udf_points_received_total', 'wA')).toBe(5);
    expect(metric(body, 'kapacitor_udf_points_received_total', 'wB')).toBe(3);
    expect(body).toMatch(/^kapacitor_udf_open_connections 2$/m);
    a.peer.endInput();
    b.peer.endInput();
    await Promise.all([a.peer.closed(), b.peer.closed()]);
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  test('a port in use or a non-loopback address is a clear error, exit 2', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const inUse = await runUdfRun(['mirror', '--module', MIRROR, '--socket', sockPath(), '--metrics', `127.0.0.1:${port}`]);
      expect(inUse.code).toBe(2);
      expect(inUse.stderr).toContain(`--metrics 127.0.0.1:${port}: the address is in use`);
    } finally {
      taken.close();
    }
    const wide = await runUdfRun(['mirror', '--module', MIRROR, '--socket', sockPath(), '--metrics', '0.0.0.0:9464']);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('only a loopback address');
  });
});

describe('udf-run --stats-interval', () => {
  test('a process UDF logs one JSON stats line per interval on stderr, and survives SIGHUP', async () => {
    const proc = new UdfRunProcess(['mirror', '--module', MIRROR, '--stats-interval', '200ms']);
    const { WirePeer } = await import('@kapacitor-udf/testing');
    const peer = new WirePeer(proc.child.stdout, proc.child.stdin);
    peer.send(init([], 'ptask', 'pnode'));
    for (let i = 0; i < 4; i++) peer.send(pointRequest(point({ time: BigInt(i) })));
    await peer.waitFor(5);
    await proc.waitForStderr('"msg":"stats"');
    const deadline = Date.now() + 15_000;
    let line: Record<string, unknown> | undefined;
    while (Date.now() < deadline) {
      line = proc.logs().find((l) => l.msg === 'stats' && (l.points as { in: number }).in === 4);
      if (line) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(line).toMatchObject({ points: { in: 4, out: 4 }, openConnections: 1, tasks: [{ task: 'ptask', node: 'pnode', pointsIn: 4 }] });
    // SIGHUP does not end a process UDF (its default action would): it is logged, the task goes on.
    proc.kill('SIGHUP');
    await proc.waitForStderr('SIGHUP ignored');
    peer.send(pointRequest(point({ time: 10n })));
    await peer.waitFor(6);
    peer.endInput();
    expect((await proc.exited).code).toBe(0);
  });
});

describe('udf-run --on-error', () => {
  const failOn = (time: bigint) => point({ time, fieldsString: { fail: 'bad' } });

  test('skip: the failing point is logged and dropped, the task goes on; describe shows it', async () => {
    const sock = sockPath();
    const proc = new UdfRunProcess(['mirror', '--module', MIRROR, '--socket', sock, '--on-error', 'skip', '--metrics', '127.0.0.1:0']);
    const port = await metricsPort(proc);
    const { peer } = await connect(sock);
    peer.send(init([], 'skipper', 'n1'));
    peer.send(pointRequest(point({ time: 1n })), pointRequest(failOn(2n)), pointRequest(point({ time: 3n })));
    peer.endInput();
    const responses = await peer.rest();
    expect(responses.map((r) => r.message?.$case)).toEqual(['init', 'point', 'point']);
    await proc.waitForStderr('skipped a point');
    const skipped = proc.logs().find((l) => String(l.msg).includes('skipped a point'));
    expect(skipped).toMatchObject({ taskID: 'skipper', nodeID: 'n1', series: 'cpu,host=a', pointTime: '1970-01-01T00:00:00.000000002Z' });
    expect(metric((await httpGet(port, '/metrics')).body, 'kapacitor_udf_errors_total', 'skipper')).toBe(1);
    proc.kill('SIGTERM');
    await proc.exited;

    const described = await runUdfRun(['mirror', '--module', MIRROR, '--describe', '--on-error', 'skip']);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain('On error: skip');
    expect(described.stdout).toContain('"--on-error", "skip"');
  });

  test('a wrong --on-error is a usage error', async () => {
    const r = await runUdfRun(['mirror', '--module', MIRROR, '--on-error', 'ignore']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--on-error must be 'fail' or 'skip'");
  });
});

/** A UDF module in its own package that adds a field `version`, rewritten by the reload tests. */
function writeVersioned(file: string, version: number | string): void {
  const decorators = path.join(ROOT, 'packages', 'decorators');
  fs.writeFileSync(
    file,
    `'use strict';
const { OnPoint, Udf } = require(${JSON.stringify(decorators)});
const { bump } = require('./lib/bump.js');
class Versioned {
  p(point) { return { ...point, fieldsDouble: { ...point.fieldsDouble, version: bump(${version}) } }; }
}
OnPoint()(Versioned.prototype, 'p', Object.getOwnPropertyDescriptor(Versioned.prototype, 'p'));
Udf({ wants: 'stream', provides: 'stream', name: 'versioned' })(Versioned);
module.exports = { Versioned };
`,
  );
}

function versionedPackage(): string {
  const pkg = fs.mkdtempSync(path.join(dir, 'pkg-'));
  fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"versioned","version":"1.0.0"}');
  fs.mkdirSync(path.join(pkg, 'lib'));
  fs.writeFileSync(path.join(pkg, 'lib', 'bump.js'), 'exports.bump = (v) => v;');
  writeVersioned(path.join(pkg, 'index.js'), 1);
  return pkg;
}

async function versionOf(peer: Awaited<ReturnType<typeof openTask>>['peer'], time: bigint): Promise<number> {
  peer.send(pointRequest(point({ time })));
  return expectCase(await peer.next(), 'point').fieldsDouble.version;
}

/** `udf-run versioned --socket` over a fresh versionedPackage(), with one task open on version 1. */
async function serveVersioned(extra: string[], task: string) {
  const pkg = versionedPackage();
  const sock = sockPath();
  const proc = new UdfRunProcess(['versioned', '--module', path.join(pkg, 'index.js'), '--socket', sock, ...extra]);
  await proc.waitForStderr('"listening"');
  const opened = await openTask(sock, task, 0);
  expect(await versionOf(opened.peer, 1n)).toBe(1);
  return { pkg, sock, proc, task: opened };
}

describe('reload', () => {
  test.each([[[] as string[]], [['--workers', '2']]])(
    'SIGHUP %j: new connections run the new code, open ones keep theirs; a broken module keeps the old',
    async (extra) => {
      const { pkg, sock, proc, task: a } = await serveVersioned(extra, 'before');

      writeVersioned(path.join(pkg, 'index.js'), 2);
      fs.writeFileSync(path.join(pkg, 'lib', 'bump.js'), 'exports.bump = (v) => v * 10;');
      proc.kill('SIGHUP');
      await proc.waitForStderr('"reloaded');
      const b = await openTask(sock, 'after', 0);
      expect(await versionOf(b.peer, 2n)).toBe(20); // the module and a file of its own package ran anew
      expect(await versionOf(a.peer, 3n)).toBe(1); // the open connection keeps its instance

      fs.writeFileSync(path.join(pkg, 'index.js'), 'this is not javascript (');
      proc.kill('SIGHUP');
      await proc.waitForStderr('reload failed');
      const c = await openTask(sock, 'broken', 0);
      expect(await versionOf(c.peer, 4n)).toBe(20);

      for (const t of [a, b, c]) t.peer.endInput();
      await Promise.all([a, b, c].map((t) => t.peer.closed()));
      proc.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    },
    60_000,
  );

  test.each([[[] as string[]], [['--workers', '2']]])(
    'SIGHUP %j while stopping reloads nothing; the open task finishes, exit 0',
    async (extra) => {
      const { pkg, proc, task: a } = await serveVersioned(extra, 'draining');
      proc.kill('SIGTERM');
      await proc.waitForStderr('received SIGTERM');
      writeVersioned(path.join(pkg, 'index.js'), 2);
      proc.kill('SIGHUP');
      await proc.waitForStderr('SIGHUP ignored: the server is stopping');
      // The open task is still served, by its own code.
      expect(await versionOf(a.peer, 2n)).toBe(1);
      a.peer.endInput();
      await a.peer.closed();
      expect((await proc.exited).code).toBe(0);
      expect(proc.stderr).not.toContain('reloading the UDF module');
    },
    60_000,
  );

  test('a snapshot written by the old code restores into the new one, unless its stateVersion changed', async () => {
    const decorators = path.join(ROOT, 'packages', 'decorators');
    const pkg = fs.mkdtempSync(path.join(dir, 'state-'));
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"counted","version":"1.0.0"}');
    const file = path.join(pkg, 'index.js');
    const write = (stateVersion: number, step: number): void =>
      fs.writeFileSync(
        file,
        `'use strict';
const { OnPoint, State, Udf } = require(${JSON.stringify(decorators)});
class Counted {
  constructor() { this.seen = 0; }
  p(point) { this.seen += ${step}; return { ...point, fieldsDouble: { seen: this.seen } }; }
}
State()(Counted.prototype, 'seen');
OnPoint()(Counted.prototype, 'p', Object.getOwnPropertyDescriptor(Counted.prototype, 'p'));
Udf({ wants: 'stream', provides: 'stream', name: 'counted', stateVersion: ${stateVersion} })(Counted);
module.exports = { Counted };
`,
      );
    write(1, 1);
    const sock = sockPath();
    const proc = new UdfRunProcess(['counted', '--module', file, '--socket', sock]);
    await proc.waitForStderr('"listening"');
    const seen = async (peer: Awaited<ReturnType<typeof openTask>>['peer'], time: bigint) => {
      peer.send(pointRequest(point({ time })));
      return expectCase(await peer.next(), 'point').fieldsDouble.seen;
    };
    const old = await openTask(sock, 'old', 0);
    expect(await seen(old.peer, 1n)).toBe(1);
    expect(await seen(old.peer, 2n)).toBe(2);
    old.peer.send({ $case: 'snapshot', value: {} });
    const snapshot = expectCase(await old.peer.next(), 'snapshot').snapshot;

    write(1, 10); // new code, same state layout
    proc.kill('SIGHUP');
    await proc.waitForStderr('"reloaded');
    const next = await openTask(sock, 'next', 0);
    next.peer.send({ $case: 'restore', value: { snapshot } });
    expect(expectCase(await next.peer.next(), 'restore').success).toBe(true);
    expect(await seen(next.peer, 3n)).toBe(12);

    const reloads = proc
      .logs()
      .filter((l) => l.msg === 'reloaded: new connections (tasks started from now on) run the new code; open ones keep theirs').length;
    write(2, 10); // an incompatible layout: the snapshot is refused with a clear error
    proc.kill('SIGHUP');
    const deadline = Date.now() + 15_000;
    while (proc.logs().filter((l) => String(l.msg).startsWith('reloaded')).length === reloads && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const v2 = await openTask(sock, 'v2', 0);
    v2.peer.send({ $case: 'restore', value: { snapshot } });
    const refused = expectCase(await v2.peer.next(), 'restore');
    expect(refused.success).toBe(false);
    expect(refused.error).toContain('state version');

    for (const t of [old, next, v2]) t.peer.endInput();
    await Promise.all([old, next, v2].map((t) => t.peer.closed()));
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  test('--watch reloads when a file of the package changes', async () => {
    const pkg = versionedPackage();
    const sock = sockPath();
    const proc = new UdfRunProcess(['versioned', '--module', path.join(pkg, 'index.js'), '--socket', sock, '--watch']);
    await proc.waitForStderr('"listening"');
    await proc.waitForStderr('--watch');
    // Node's recursive fs.watch on Linux is one watch per directory, added as
    // it walks the tree: on a loaded machine a change made at once may come
    // before lib/ is watched. Write until a reload is logged, as a user
    // saving again would.
    const bump = path.join(pkg, 'lib', 'bump.js');
    for (let tries = 0; !proc.stderr.includes('"reloaded') && tries < 30; tries++) {
      fs.writeFileSync(bump, 'exports.bump = (v) => v + 100;');
      await new Promise((r) => setTimeout(r, 500));
    }
    await proc.waitForStderr('"reloaded');
    const t = await openTask(sock, 'watched', 0);
    expect(await versionOf(t.peer, 1n)).toBe(101);
    t.peer.endInput();
    await t.peer.closed();
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });
});

describe('socket activation (systemd-socket-activate)', () => {
  const activate = '/usr/bin/systemd-socket-activate';

  function activated(args: string[], sock: string, how: string[] = []): UdfRunProcess {
    return new UdfRunProcess([...how, '-l', sock, process.execPath, BIN, ...args], { command: activate });
  }

  test('serves the passed socket; udf-run starts on the first connection and leaves the socket file', async () => {
    expect(fs.existsSync(activate)).toBe(true);
    const sock = sockPath();
    const proc = activated(['mirror', '--module', MIRROR, '--socket', sock], sock);
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(sock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(proc.stderr).not.toContain('"listening"'); // not started before a connection
    const t = await openTask(sock, 'activated', 3);
    await proc.waitForStderr('"listening"');
    expect(proc.logs().find((l) => l.msg === 'listening')).toMatchObject({ activation: 'systemd' });
    t.peer.endInput();
    await t.peer.closed();
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  test('a passed datagram socket is a clear error, exit 2', async () => {
    const sock = sockPath();
    const proc = activated(['mirror', '--module', MIRROR, '--socket', sock], sock, ['--datagram']);
    // systemd-socket-activate starts the command on the first datagram.
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(sock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const send = `import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b'x', ${JSON.stringify(sock)})`;
    const dgram = spawn('python3', ['-c', send], { stdio: 'ignore' });
    await new Promise((r) => dgram.once('close', r));
    const exit = await proc.exited;
    expect(exit.code).toBe(2);
    expect(proc.stderr).toContain('socket activation: the passed socket is not a listening unix stream socket');
  });
});
