/**
 * The socket file of one listening server: created with its mode, and
 * removed at shutdown only while it is still the one this server created
 * (a newer server may have taken the path over since). Deciding whether a
 * path may be used at all is socket-path.ts.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type * as net from 'node:net';
import * as path from 'node:path';
import { SocketInUseError, SocketPathNotWritableError, type TransportError } from './errors';
import { MAX_SOCKET_PATH_BYTES } from './socket-path';

export class SocketFile {
  private constructor(
    readonly path: string,
    /** The inode the file had when we created it: who owns the path now is checked against it. */
    private readonly inode: number,
  ) {}

  /**
   * Makes `server` listen on `socketPath` (prepared by prepareSocketPath)
   * with the file's permission bits set to `mode`. On failure the server is
   * not listening and the error says why.
   */
  static async listen(server: net.Server, socketPath: string, mode: number): Promise<SocketFile> {
    await listen(server, socketPath, mode);
    // The umask already created the file with `mode`; chmod makes it exact
    // where a umask could not be set (worker threads).
    try {
      await fs.chmod(socketPath, mode);
    } catch (err) {
      server.close();
      throw new SocketPathNotWritableError(socketPath, `cannot set its mode (${(err as Error).message})`);
    }
    return new SocketFile(socketPath, (await fs.lstat(socketPath)).ino);
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

/**
 * Listens on a private name in the same directory, then hard-links the socket
 * to `socketPath`. Why not listen on `socketPath` directly: closing a
 * listening unix socket makes libuv unlink the path it was bound to, whatever
 * is there by then, so a server shutting down would delete the socket file of
 * a newer server that took over the path. Bound to a private name, the close
 * can only remove that name. link() also never replaces an existing file, so
 * a path taken since prepareSocketPath() is refused, not stolen.
 */
async function listen(server: net.Server, socketPath: string, mode: number): Promise<void> {
  const privatePath = path.join(path.dirname(socketPath), `.udf-run-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  if (Buffer.byteLength(privatePath) > MAX_SOCKET_PATH_BYTES) {
    // No room for a private name next to a path this long: bind it directly.
    await bind(server, socketPath, mode);
    return;
  }
  await bind(server, privatePath, mode);
  try {
    await fs.link(privatePath, socketPath);
  } catch (err) {
    server.close();
    await fs.unlink(privatePath).catch(() => undefined);
    throw listenError(err as NodeJS.ErrnoException, socketPath);
  }
  await fs.unlink(privatePath);
}

function bind(server: net.Server, socketPath: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, socketPath));
    server.once('error', onError);
    // bind() creates the socket file synchronously inside listen(): a umask
    // around the call means the file never exists with wider permissions.
    let previousUmask: number | undefined;
    try {
      previousUmask = process.umask(0o777 & ~mode);
    } catch {
      previousUmask = undefined; // worker threads cannot change the umask; chmod follows
    }
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (previousUmask !== undefined) process.umask(previousUmask);
    }
  });
}

function listenError(err: NodeJS.ErrnoException, socketPath: string): TransportError {
  if (err.code === 'EADDRINUSE' || err.code === 'EEXIST') return new SocketInUseError(socketPath);
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new SocketPathNotWritableError(socketPath, 'permission denied: choose a directory this user can write to');
  }
  return new SocketPathNotWritableError(socketPath, err.message);
}
