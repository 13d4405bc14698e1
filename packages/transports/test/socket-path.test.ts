import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SocketInUseError, SocketPathNotSocketError, SocketPathNotWritableError } from '../src/errors';
import { prepareSocketPath } from '../src/socket-path';
import { makeStaleSocket } from './helpers/stale-socket';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-sockpath-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prepareSocketPath', () => {
  test('a free path is fine', async () => {
    await expect(prepareSocketPath(path.join(dir, 'free.sock'))).resolves.toBeUndefined();
  });

  test('a stale socket (its server died) is removed', async () => {
    const sock = path.join(dir, 'stale.sock');
    await makeStaleSocket(sock);
    expect(fs.lstatSync(sock).isSocket()).toBe(true);
    await prepareSocketPath(sock);
    expect(fs.existsSync(sock)).toBe(false);
  });

  test('a live server is refused and keeps its socket', async () => {
    const sock = path.join(dir, 'live.sock');
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const error = await prepareSocketPath(sock).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SocketInUseError);
      expect((error as SocketInUseError).code).toBe('ERR_SOCKET_IN_USE');
      expect((error as Error).message).toContain(`another server is listening on ${sock}`);
      expect(fs.lstatSync(sock).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a regular file is refused and left alone', async () => {
    const file = path.join(dir, 'file.sock');
    fs.writeFileSync(file, 'data');
    await expect(prepareSocketPath(file)).rejects.toThrow(SocketPathNotSocketError);
    await expect(prepareSocketPath(file)).rejects.toThrow('is a regular file');
    expect(fs.readFileSync(file, 'utf8')).toBe('data');
  });

  test('a symlink is never followed, even to a stale socket', async () => {
    const target = path.join(dir, 'target.sock');
    await makeStaleSocket(target);
    const link = path.join(dir, 'link.sock');
    fs.symlinkSync(target, link);
    await expect(prepareSocketPath(link)).rejects.toThrow('is a symbolic link');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(target).isSocket()).toBe(true);
  });

  test('a missing directory or an over-long path is explained', async () => {
    await expect(prepareSocketPath(path.join(dir, 'no', 'such', 'x.sock'))).rejects.toThrow(SocketPathNotWritableError);
    await expect(prepareSocketPath(path.join(dir, 'no', 'x.sock'))).rejects.toThrow('does not exist');
    await expect(prepareSocketPath(path.join(dir, `${'x'.repeat(120)}.sock`))).rejects.toThrow('choose a shorter path');
  });
});
