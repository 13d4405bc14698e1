import { createConnection, type Socket } from 'node:net';
import { WirePeer } from '@kapacitor-udf/testing';

/**
 * Connects to a socket UDF the way Kapacitor does and puts the testing kit's
 * byte-level peer on it. The socket allows half-open connections: ending our
 * side (Kapacitor's clean stop) still lets the UDF answer. The socket is
 * returned too, for tests that destroy it or watch its events.
 */
export function connectPeer(socketPath: string): Promise<{ socket: Socket; peer: WirePeer }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath, allowHalfOpen: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, peer: new WirePeer(socket, socket) });
    });
  });
}
