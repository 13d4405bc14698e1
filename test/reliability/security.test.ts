/**
 * Security of the socket file and of the content path:
 * - the socket file gets restrictive, settable permissions;
 * - a symlink planted at the path is never followed (nor removed);
 * - a live server's socket is never removed or stolen, and a server removes
 *   its own socket file only, not a newer server's;
 * - option values and point content are data: they cannot run code, read
 *   files, pollute prototypes, or make the UDF hold more memory than the
 *   limits allow.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodeFrame, encodeRequest, type Option, silentLogger, ValueType } from '@kapacitor-udf/core';
import { serveSocket } from '@kapacitor-udf/transports';
import { Mirror } from '../../examples/mirror/src';
import { connectPeer } from '../support/connect-peer';
import { MiB, rssOf } from './helpers/memory';
import { MIRROR_DIR, requireBuilt, UDF_RUN } from './helpers/paths';
import { init, keepalive, makePoint, uvarint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun } from './helpers/udf-run';

let dir: string;
beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'udf-sec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (p: string): number => lstatSync(p).mode & 0o777;

/** Runs udf-run --socket expecting it to refuse to start. */
function refusedStart(socketPath: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [UDF_RUN, 'mirror', '--socket', socketPath], {
    cwd: MIRROR_DIR,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe('the socket file', () => {
  test('is created 0660 by default and with exactly --socket-mode when given (udf-run)', async () => {
    const a = await startSocketServer({ socketPath: path.join(dir, 'default.sock') });
    const b = await startSocketServer({ socketPath: path.join(dir, 'owner-only.sock'), args: ['--socket-mode', '600'] });
    try {
      expect(modeOf(a.socketPath).toString(8)).toBe('660');
      expect(modeOf(b.socketPath).toString(8)).toBe('600');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('serveSocket({ mode }) sets the mode exactly, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      const server = await serveSocket(Mirror, {
        path: path.join(dir, 'api.sock'),
        mode: 0o640,
        logger: silentLogger,
      });
      try {
        expect(modeOf(server.path).toString(8)).toBe('640');
      } finally {
        await server.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  test('a symlink planted at the path (to an existing file) is refused, not followed, not removed', () => {
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = path.join(dir, 'planted.sock');
    symlinkSync(victim, link);
    const r = refusedStart(link);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(victim);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  test('a dangling symlink planted at the path is refused, and nothing is created at its target', () => {
    const target = path.join(dir, 'elsewhere', '..', 'created-through-link.sock');
    const link = path.join(dir, 'dangling.sock');
    symlinkSync(target, link);
    const r = refusedStart(link);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(existsSync(path.join(dir, 'created-through-link.sock'))).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test("a symlink to a live server's socket is refused and the live server is untouched", async () => {
    const live = await startSocketServer({ socketPath: path.join(dir, 'live-target.sock') });
    try {
      const link = path.join(dir, 'link-to-live.sock');
      symlinkSync(live.socketPath, link);
      const r = refusedStart(link);
      expect(r.status).not.toBe(0);
      const { peer, socket } = await live.connect();
      peer.send(keepalive(1n));
      await peer.until(() => peer.count('keepalive') === 1, 'the live server answering');
      socket.destroy();
    } finally {
      await live.stop();
    }
  });

  test('the socket of another live server is not removed: the second server refuses to start, the first keeps serving', async () => {
    const first = await startSocketServer({ socketPath: path.join(dir, 'shared.sock') });
    try {
      const inode = statSync(first.socketPath).ino;
      const r = refusedStart(first.socketPath);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/in use|already|another/i);
      expect(statSync(first.socketPath).ino).toBe(inode);
      const { peer, socket } = await first.connect();
      peer.send(init());
      peer.point(makePoint(1));
      await peer.until(() => peer.count('point') === 1, 'the first server still mirroring');
      socket.destroy();
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  test('a stale socket (its server was killed) is replaced', async () => {
    const socketPath = path.join(dir, 'stale.sock');
    const crashed = await startSocketServer({ socketPath });
    crashed.child.kill('SIGKILL');
    await crashed.exit;
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    const next = await startSocketServer({ socketPath });
    try {
      const { peer, socket } = await next.connect();
      peer.send(keepalive(2n));
      await peer.until(() => peer.count('keepalive') === 1, 'the new server answering');
      socket.destroy();
    } finally {
      await next.stop();
    }
  });

  test('on shutdown a server removes only its own socket file, not the one a newer server created at the path', async () => {
    const socketPath = path.join(dir, 'replaced.sock');
    const old = await startSocketServer({ socketPath });
    unlinkSync(socketPath); // e.g. an operator cleaned up, and a new server started
    const newer = await startSocketServer({ socketPath });
    try {
      const inode = statSync(socketPath).ino;
      expect(await old.stop()).toBe(0);
      expect(statSync(socketPath).ino).toBe(inode);
      const { peer, socket } = await connectPeer(socketPath);
      peer.send(keepalive(3n));
      await peer.until(() => peer.count('keepalive') === 1, 'the newer server answering');
      socket.destroy();
    } finally {
      await newer.stop();
    }
  });
});

describe('content is data', () => {
  test('option values and point content that look like code, paths or prototype keys are only mirrored', async () => {
    const canary = path.join(dir, 'CANARY');
    const payloads = [
      `\${require('fs').writeFileSync(${JSON.stringify(canary)}, 'x')}`,
      `'); require('fs').writeFileSync(${JSON.stringify(canary)}, 'x'); ('`,
      `\`); process.exit(3); (\``,
      `{{constructor.constructor('return process')().exit(4)}}`,
      '/etc/passwd',
      '../../../../etc/shadow',
      'file:///etc/passwd',
      '\u0000\r\n{"level":"error","msg":"forged log line"}',
    ];
    const udf = spawnUdfRun({ name: 'mirror' });
    try {
      const { peer } = udf;
      // `.field('__proto__', 42.0)`: the option value names the field to set.
      peer.send(
        init([
          {
            name: 'field',
            values: [
              { type: ValueType.STRING, value: { $case: 'stringValue', value: '__proto__' } },
              { type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: 42 } },
            ],
          },
        ]),
      );
      const sent = payloads.map((text, i) => {
        // JSON.parse makes '__proto__' an own key (as the decoder must).
        const tags = JSON.parse(`{"__proto__": ${JSON.stringify(text)}}`) as Record<string, string>;
        Object.defineProperty(tags, 'constructor', { value: text, enumerable: true });
        return makePoint(i, { name: text, tags, fieldsString: { payload: text, toString: text } });
      });
      for (const p of sent) peer.point(p);
      await peer.until(() => peer.count('point') === sent.length, 'every payload point');
      peer.endInput();
      await peer.closed();
      expect(await udf.exited()).toBe(0);
      expect(peer.of('init')[0]).toEqual({ success: true, error: '' });
      const got = peer.of('point');
      sent.forEach((p, i) => {
        const fieldsDouble = { ...p.fieldsDouble };
        Object.defineProperty(fieldsDouble, '__proto__', { value: 42, enumerable: true, writable: true, configurable: true });
        expect(got[i]).toEqual({ ...p, fieldsDouble });
        expect(Object.hasOwn(got[i].fieldsDouble, '__proto__')).toBe(true);
      });
      expect(existsSync(canary)).toBe(false);
      // The forged log line stayed data: stderr has no such line.
      expect(udf.stderr()).not.toMatch(/forged log line/);
    } finally {
      udf.kill();
    }
  });

  test('option names that are code or prototype keys are refused as unknown options, nothing is polluted', async () => {
    const udf = spawnUdfRun({ name: 'mirror' });
    try {
      const { peer } = udf;
      const evil: Option[] = ['__proto__', 'constructor', 'prototype', 'toString', "field'); process.exit(5); ('"].map((name) => ({
        name,
        values: [{ type: ValueType.STRING, value: { $case: 'stringValue', value: 'polluted' } }],
      }));
      peer.send(init(evil));
      await peer.until(() => peer.count('init') === 1, 'the InitResponse');
      const response = peer.of('init')[0];
      expect(response.success).toBe(false);
      for (const name of ['__proto__', 'constructor', 'prototype', 'toString']) expect(response.error).toContain(name);
      // Still alive: no exit was run. Data after a refused Init is refused
      // with an ErrorResponse (the handler never runs on rejected options).
      peer.point(makePoint(1));
      await peer.until(() => peer.count('error') === 1, 'the ErrorResponse for a point after the refused Init');
      expect(peer.of('error')[0].error).toMatch(/after its Init was refused/);
      expect(peer.count('point')).toBe(0);
      await peer.closed();
      expect(await udf.exited()).toBe(1);
    } finally {
      udf.kill();
    }
  });

  test('a frame declaring 1 GiB is refused at its length prefix (--max-message-size 64KiB); nothing is buffered', async () => {
    const udf = spawnUdfRun({ name: 'mirror', args: ['--max-message-size', '64KiB'] });
    try {
      const { peer } = udf;
      peer.send(init());
      await peer.until(() => peer.count('init') === 1, 'Init');
      const before = rssOf(udf.child.pid!);
      peer.sendRaw(Uint8Array.from(uvarint(1024 * MiB)));
      await peer.closed();
      expect(peer.of('error')[0].error).toMatch(/declares a 1073741824-byte message, more than maxMessageSize \(65536 bytes\)/);
      expect(await udf.exited()).toBe(1);
      expect(before).toBeLessThan(200 * MiB);
    } finally {
      udf.kill();
    }
  });

  test('a client that floods points and never reads: the UDF stops reading, its memory stays bounded', async () => {
    const udf = spawnUdfRun({ name: 'mirror' });
    try {
      const { peer, child } = udf;
      peer.send(init());
      await peer.until(() => peer.count('init') === 1, 'Init');
      child.stdout!.pause(); // never read another response
      await sleep(300);
      const baseline = rssOf(child.pid!);
      // ~100 MiB of points: without backpressure the UDF would take them all in
      // and hold their responses. (The same block is written again and again:
      // this process buffers references, not copies.)
      const frame = Buffer.from(
        encodeFrame(encodeRequest({ message: { $case: 'point', value: makePoint(1, { fieldsString: { pad: 'p'.repeat(200) } }) } })),
      );
      const block = Buffer.concat(Array(1000).fill(frame));
      const blocks = Math.ceil((100 * MiB) / block.length);
      for (let i = 0; i < blocks; i++) child.stdin!.write(block);
      await sleep(2000);
      const grown = rssOf(child.pid!) - baseline;
      // What the UDF may hold: its coalescing buffers and a few input chunks' worth of work, not 100 MiB.
      expect(grown).toBeLessThan(48 * MiB);
      expect(peer.count('point')).toBeLessThan(blocks * 1000);
      // Paused, not dead: reading again lets points through, in order.
      expect(child.exitCode).toBeNull();
      const before = peer.count('point');
      child.stdout!.resume();
      await peer.until(() => peer.count('point') >= before + 5000, 'points flowing again', 30_000);
      expect(peer.outputError).toBeUndefined();
    } finally {
      udf.kill();
    }
  }, 90_000);
});
