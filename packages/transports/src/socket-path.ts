import { promises as fs, type Stats } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SocketInUseError, SocketPathNotSocketError, SocketPathNotWritableError } from './errors';

/**
 * The longest unix socket path the kernel accepts (sun_path is 108 bytes on
 * Linux, 104 on macOS, including the terminating NUL).
 */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/**
 * Makes `socketPath` free to listen on, or explains why it cannot be.
 *
 * - Nothing there: fine.
 * - A socket nobody accepts on (ECONNREFUSED): the file a crashed run left
 *   behind. It is removed.
 * - A socket someone accepts on: a live server. Refused, never stolen.
 * - Anything else (regular file, directory, symlink - lstat, so never
 *   followed): refused and left untouched.
 */
export async function prepareSocketPath(socketPath: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathNotWritableError(
      socketPath,
      `the path is ${Buffer.byteLength(socketPath)} bytes long, unix sockets allow at most ${MAX_SOCKET_PATH_BYTES}: choose a shorter path`,
    );
  }
  const dir = path.dirname(socketPath);
  let dirStats: Stats;
  try {
    dirStats = await fs.stat(dir);
  } catch {
    throw new SocketPathNotWritableError(socketPath, `the directory ${dir} does not exist: create it first`);
  }
  if (!dirStats.isDirectory()) {
    throw new SocketPathNotWritableError(socketPath, `${dir} is not a directory`);
  }

  let stats: Stats;
  try {
    stats = await fs.lstat(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SocketPathNotWritableError(socketPath, (err as Error).message);
  }
  if (!stats.isSocket()) throw new SocketPathNotSocketError(socketPath, describeKind(stats));

  const state = await probeSocket(socketPath);
  if (state === 'live') throw new SocketInUseError(socketPath);
  try {
    await fs.unlink(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SocketPathNotWritableError(socketPath, `a stale socket is there and cannot be removed (${(err as Error).message})`);
    }
  }
}

/** Connects once: 'live' when a server accepted, 'stale' when nobody listens. */
function probeSocket(socketPath: string): Promise<'live' | 'stale'> {
  return new Promise((resolve, reject) => {
    const probe = net.createConnection({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve('live');
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      probe.destroy();
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve('stale');
      else reject(new SocketPathNotWritableError(socketPath, `cannot tell whether a server owns the existing socket (${err.message})`));
    });
  });
}

function describeKind(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFile()) return 'a regular file';
  if (stats.isFIFO()) return 'a named pipe';
  return 'not a socket';
}
