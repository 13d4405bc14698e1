/**
 * The socket file is created so that another user racing the server cannot
 * choose what gets its permissions, nor make it announce a path it does not
 * own (issue 20, item 7). The races are played deterministically: the test
 * acts between the steps of createSocketFile, as an attacker who won the
 * race would, instead of hoping to hit a window of microseconds.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SocketInUseError, SocketPathNotWritableError } from '../src/errors';
import { createSocketFile, socketDirectoryWarning } from '../src/socket-file';

let dir: string;
let server: net.Server;
let victim: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-sockfile-'));
  // Another user's directory, as /tmp without its sticky bit would be.
  fs.chmodSync(dir, 0o777);
  victim = path.join(dir, 'victim');
  fs.writeFileSync(victim, 'not yours');
  fs.chmodSync(victim, 0o600);
  server = net.createServer();
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const victimMode = (): number => fs.statSync(victim).mode & 0o777;
const leftovers = (): string[] => fs.readdirSync(dir).filter((name) => name.startsWith('.udf-run-'));

test('the socket gets exactly the mode, whatever the umask', async () => {
  const sock = path.join(dir, 'udf.sock');
  const previous = process.umask(0);
  try {
    const file = await createSocketFile(server, sock, 0o600);
    const stats = fs.lstatSync(sock);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    expect(stats.ino).toBe(file.ino);
  } finally {
    process.umask(previous);
  }
  expect(leftovers()).toEqual([]);
});

test('the mode is set on the private name, before it is linked at the path', async () => {
  const sock = path.join(dir, 'udf.sock');
  let modeBeforeLink = -1;
  let privateDirMode = -1;
  await createSocketFile(server, sock, 0o660, {
    beforeLink: (privatePath) => {
      modeBeforeLink = fs.lstatSync(privatePath).mode & 0o777;
      privateDirMode = fs.statSync(path.dirname(privatePath)).mode & 0o777;
      expect(fs.existsSync(sock)).toBe(false);
    },
  });
  expect(modeBeforeLink).toBe(0o660);
  // Nobody else can swap an entry of the private directory.
  expect(privateDirMode).toBe(0o700);
});

test('a symlink planted at the path before the link: refused, its target never chmodded', async () => {
  const sock = path.join(dir, 'udf.sock');
  const attempt = createSocketFile(server, sock, 0o666, { beforeLink: () => fs.symlinkSync(victim, sock) });
  await expect(attempt).rejects.toBeInstanceOf(SocketInUseError);
  expect(victimMode()).toBe(0o600);
  expect(fs.lstatSync(sock).isSymbolicLink()).toBe(true); // not ours: left alone
  expect(server.listening).toBe(false);
  expect(leftovers()).toEqual([]);
});

test('a symlink swapped in after the link: refused (never "listening"), its target never chmodded', async () => {
  const sock = path.join(dir, 'udf.sock');
  const attempt = createSocketFile(server, sock, 0o666, {
    afterLink: () => {
      // rename() replaces the path in one step, as an attacker would.
      fs.symlinkSync(victim, path.join(dir, 'evil'));
      fs.renameSync(path.join(dir, 'evil'), sock);
    },
  });
  await expect(attempt).rejects.toThrow(SocketPathNotWritableError);
  await expect(attempt).rejects.toThrow(/replaced by someone else right after it was created/);
  expect(victimMode()).toBe(0o600);
  expect(fs.lstatSync(sock).isSymbolicLink()).toBe(true);
  expect(server.listening).toBe(false);
  expect(leftovers()).toEqual([]);
});

test('another socket swapped in after the link: refused (same kind of file, not the same inode)', async () => {
  const sock = path.join(dir, 'udf.sock');
  const other = net.createServer();
  const otherPath = path.join(dir, 'other.sock');
  await new Promise<void>((resolve) => other.listen(otherPath, resolve));
  try {
    const attempt = createSocketFile(server, sock, 0o660, { afterLink: () => fs.renameSync(otherPath, sock) });
    await expect(attempt).rejects.toThrow(/replaced by someone else/);
  } finally {
    other.close();
  }
});

test('the socket removed right after the link: refused', async () => {
  const sock = path.join(dir, 'udf.sock');
  const attempt = createSocketFile(server, sock, 0o660, { afterLink: () => fs.unlinkSync(sock) });
  await expect(attempt).rejects.toThrow(/removed by someone else/);
});

describe('socketDirectoryWarning', () => {
  test('an other-writable directory without the sticky bit is warned about', async () => {
    fs.chmodSync(dir, 0o777);
    expect(await socketDirectoryWarning(path.join(dir, 'udf.sock'))).toMatch(/writable by every user and not sticky.*chmod o-w/);
  });

  test('a sticky other-writable directory (like /tmp) and a private one are fine', async () => {
    fs.chmodSync(dir, 0o1777);
    expect(await socketDirectoryWarning(path.join(dir, 'udf.sock'))).toBeUndefined();
    fs.chmodSync(dir, 0o750);
    expect(await socketDirectoryWarning(path.join(dir, 'udf.sock'))).toBeUndefined();
  });
});
