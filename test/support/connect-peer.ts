import type { Socket } from 'node:net';
import { WirePeer } from '@kapacitor-udf/testing';

/**
 * The testing kit's byte-level peer on a new socket connection
 * (`WirePeer.connect`: half-open, as Kapacitor connects), with the socket
 * itself for tests that destroy it or watch its events.
 */
export async function connectPeer(socketPath: string): Promise<{ socket: Socket; peer: WirePeer }> {
  const peer = await WirePeer.connect(socketPath);
  return { socket: peer.fromUdf as Socket, peer };
}
