/**
 * The socket file of one listening server: created with its mode so that
 * nobody else can interfere (createSocketFile), and removed at shutdown only
 * while it is still the one this server created (a newer server may have
 * taken the path over since). Deciding whether a path may be used at all is
 * socket-path.ts.
 */
import { promises as fs, type Stats } from 'node:fs';
import type * as net from 'node:net';
import * as path from 'node:path';
import { SocketInUseError, SocketPathNotWritableError, TransportError } from './errors';
import { MAX_SOCKET_PATH_BYTES } from './socket-path';

export class SocketFile {
  private constructor(
    readonly path: string,
    /** The inode the file had when we created it: who owns the path now is checked against it. */
    private readonly inode: number,
  ) {}

  /**
   * Makes `server` listen on `socketPath` (prepared by prepareSocketPath)
   * with the file's permission bits set to `mode` (see createSocketFile).
   * On failure the server is not listening and the error says why.
   */
  static async listen(server: net.Server, socketPath: string, mode: number): Promise<SocketFile> {
    const created = await createSocketFile(server, socketPath, mode);
    return new SocketFile(socketPath, created.ino);
  }

  /** Removes the socket file if it is still the one we created (not a newer server's). */
  async remove(): Promise<void> {
    try {
      const stats = await fs.lstat(this.path);
      if (stats.isSocket() && stats.ino === this.inode) await fs.unlink(this.path);
    } catch {
      // Already gone, or replaced by something that is not ours: leave it.
    }
  }
}

/** Where a test may act between the steps of createSocketFile (to play another user racing it). */
export interface SocketFileSteps {
  /** The socket exists, with its final mode, under its private name; not yet at the path. */
  beforeLink?(privatePath: string): Promise<void> | void;
  /** The socket was linked at the path; its inode is not yet checked. */
  afterLink?(): Promise<void> | void;
}

/** The inode createSocketFile gave the path. */
export interface CreatedSocket {
  readonly ino: number;
  readonly dev: number;
}

/**
 * Binds `server` and makes `socketPath` its socket file, with exactly `mode`,
 * so that nobody else can choose what gets those permissions or what the
 * server announces as its own.
 *
 * Why each step:
 * - The socket is bound inside a fresh private directory (mkdtemp: mode 700)
 *   next to the path. Nobody else can add, remove or swap an entry there, so
 *   the chmod that makes its mode exact (the umask cannot be set in a worker
 *   thread) acts on our socket and nothing else. A chmod of the public path
 *   would follow a symlink another user swapped in, and chmod their target.
 * - It is then hard-linked to the path: link() never replaces nor follows
 *   what is already there, so a path taken meanwhile is refused.
 * - The path is checked afterwards (lstat: a socket, our inode): a file
 *   swapped in after the link is refused, never announced as "listening".
 * - Closing a listening socket makes libuv unlink the name it was bound to,
 *   whatever is there by then: bound to a private name, a server shutting
 *   down can never delete the socket file of a newer server on the path.
 */
export async function createSocketFile(
  server: net.Server,
  socketPath: string,
  mode: number,
  steps: SocketFileSteps = {},
): Promise<CreatedSocket> {
  const dir = path.dirname(socketPath);
  // mkdtemp adds 6 characters; the socket inside is named "s".
  const privateLength = Buffer.byteLength(path.join(dir, '.udf-run-XXXXXX', 's'));
  if (privateLength > MAX_SOCKET_PATH_BYTES) return bindDirectly(server, socketPath, mode);

  let privateDir: string;
  try {
    privateDir = await fs.mkdtemp(path.join(dir, '.udf-run-'));
  } catch (err) {
    throw listenError(err as NodeJS.ErrnoException, socketPath);
  }
  const privatePath = path.join(privateDir, 's');
  const cleanup = async (): Promise<void> => {
    await fs.unlink(privatePath).catch(() => undefined);
    await fs.rmdir(privateDir).catch(() => undefined);
  };
  let own: Stats;
  try {
    await bind(server, privatePath, mode, socketPath);
    await fs.chmod(privatePath, mode);
    own = await fs.lstat(privatePath);
    await steps.beforeLink?.(privatePath);
    await fs.link(privatePath, socketPath);
  } catch (err) {
    server.close();
    await cleanup();
    throw err instanceof TransportError ? err : listenError(err as NodeJS.ErrnoException, socketPath);
  }
  await cleanup();
  try {
    await steps.afterLink?.();
    await checkOwnSocket(socketPath, own);
  } catch (err) {
    server.close();
    throw err;
  }
  return { ino: own.ino, dev: own.dev };
}

/**
 * No room for a private directory next to a path this long: bind it
 * directly. The umask (main thread) gives the file its mode as bind creates
 * it; no chmod (it would follow a swapped-in symlink). Where the umask
 * cannot be set (a worker thread), the path is refused.
 */
async function bindDirectly(server: net.Server, socketPath: string, mode: number): Promise<CreatedSocket> {
  await bind(server, socketPath, mode, socketPath);
  let stats: Stats;
  try {
    stats = await fs.lstat(socketPath);
  } catch (err) {
    server.close();
    throw new SocketPathNotWritableError(socketPath, `the socket file vanished as it was created (${(err as Error).message})`);
  }
  if (!stats.isSocket() || (stats.mode & 0o777) !== mode) {
    server.close();
    throw new SocketPathNotWritableError(
      socketPath,
      stats.isSocket()
        ? `the socket was created with mode 0${(stats.mode & 0o777).toString(8)}, not 0${mode.toString(8)} (the umask cannot be set in a worker thread): choose a shorter path, so that it can be created under a private name first`
        : 'the socket file was replaced while it was created: use a directory only this user can write to',
    );
  }
  return { ino: stats.ino, dev: stats.dev };
}

/** The path must now be our socket: same device and inode as the one we bound. */
async function checkOwnSocket(socketPath: string, own: Stats): Promise<void> {
  let now: Stats | undefined;
  try {
    now = await fs.lstat(socketPath);
  } catch {
    now = undefined;
  }
  if (now === undefined || !now.isSocket() || now.ino !== own.ino || now.dev !== own.dev) {
    throw new SocketPathNotWritableError(
      socketPath,
      `the socket file was ${now === undefined ? 'removed' : 'replaced'} by someone else right after it was created ` +
        '(another user can write to its directory?): use a directory only this user (and Kapacitor) can write to',
    );
  }
}

function bind(server: net.Server, bindPath: string, mode: number, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, socketPath));
    server.once('error', onError);
    // bind() creates the socket file synchronously inside listen(): a umask
    // around the call means the file never exists with wider permissions.
    let previousUmask: number | undefined;
    try {
      previousUmask = process.umask(0o777 & ~mode);
    } catch {
      previousUmask = undefined; // worker threads cannot change the umask: the caller checks the mode
    }
    try {
      server.listen(bindPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (previousUmask !== undefined) process.umask(previousUmask);
    }
  });
}

export function listenError(err: NodeJS.ErrnoException, socketPath: string): TransportError {
  if (err.code === 'EADDRINUSE' || err.code === 'EEXIST') return new SocketInUseError(socketPath);
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new SocketPathNotWritableError(socketPath, 'permission denied: choose a directory this user can write to');
  }
  return new SocketPathNotWritableError(socketPath, err.message);
}

/**
 * A warning for a socket directory every user may write to without the
 * sticky bit (unlike /tmp): anyone can then delete or replace the socket
 * file once it is there, and Kapacitor would connect to theirs. Served with
 * a warning, not refused: the file is created safely, and some setups share
 * such a directory on purpose. Undefined when the directory is fine.
 */
export async function socketDirectoryWarning(socketPath: string): Promise<string | undefined> {
  const dir = path.dirname(socketPath);
  let stats: Stats;
  try {
    stats = await fs.stat(dir);
  } catch {
    return undefined;
  }
  if ((stats.mode & 0o002) === 0 || (stats.mode & 0o1000) !== 0) return undefined;
  return (
    `the socket directory ${dir} (mode 0${(stats.mode & 0o7777).toString(8)}) is writable by every user and not sticky: ` +
    "any local user can replace the socket file with their own and receive your tasks' data; " +
    `use a directory only this user and Kapacitor's group can write to (e.g. chmod o-w ${dir}, or chmod +t)`
  );
}
