/**
 * Serving a listening socket handed over by the process that started us
 * (systemd socket activation: descriptor 3) instead of binding one.
 */
import type * as net from 'node:net';

/**
 * Listens on the already-listening socket `fd`. Resolves with its path when
 * Node knows it (undefined for a unix socket opened from a descriptor);
 * rejects with why it cannot be served when it is not a listening unix
 * stream socket: Node takes a TCP socket too (server.address() is then an
 * object), and refuses datagram and seqpacket sockets (EINVAL).
 */
export function listenOnFd(server: net.Server, fd: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new Error(`it cannot be listened on (${err.code ?? err.message}): a datagram or seqpacket socket, or not listening`));
    };
    server.once('error', onError);
    try {
      server.listen({ fd }, () => {
        server.off('error', onError);
        const address = server.address();
        if (address !== null && typeof address === 'object') {
          server.close();
          reject(new Error(`it is a TCP socket (${address.address}:${address.port})`));
          return;
        }
        resolve(address ?? undefined);
      });
    } catch (err) {
      server.off('error', onError);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
