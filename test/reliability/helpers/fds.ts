/** Open file descriptors of a server, read from /proc: what a released connection gives back. */
import { readdirSync } from 'node:fs';
import type { SocketUdfServer } from './socket-server';
import { sleep } from './udf-run';

export const fdsOf = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** The server's fd count once it is at most `atMost`, or what it is when `timeoutMs` ran out. */
export async function settledFds(server: SocketUdfServer, atMost: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let fds = fdsOf(server.child.pid!);
  while (fds > atMost && Date.now() < deadline) {
    await sleep(100);
    fds = fdsOf(server.child.pid!);
  }
  return fds;
}
