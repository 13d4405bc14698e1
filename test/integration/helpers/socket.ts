import * as net from 'node:net';
import { KapacitorPeer } from './peer';

/**
 * Connects the way Kapacitor does: a unix socket whose write side can be
 * closed (half-close, Kapacitor's clean stop) while responses still arrive.
 */
export function connect(path: string): Promise<{ socket: net.Socket; peer: KapacitorPeer }> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path, allowHalfOpen: true });
    const peer = new KapacitorPeer(socket, socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, peer });
    });
    socket.once('error', reject);
  });
}
