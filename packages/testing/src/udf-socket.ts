import { createConnection, type Socket } from 'node:net';
import { HarnessError } from './errors';

/**
 * Connects to a socket UDF as Kapacitor does, for WirePeer and
 * KapacitorClient alike. The socket allows half-open connections: ending our
 * side (Kapacitor's clean stop, a CloseWrite) still lets the UDF answer and
 * flush before it ends its own.
 */
export function connectUdfSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath, allowHalfOpen: true });
    socket.once('error', (err) =>
      reject(
        new HarnessError('ERR_UDF_CLOSED', `could not connect to the UDF socket ${socketPath}: ${err.message}; is the UDF server running?`),
      ),
    );
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
