/**
 * systemd socket activation (sd_listen_fds(3)): a `.socket` unit owns the
 * listening socket and passes it to udf-run as fd 3, with LISTEN_FDS=1 and
 * LISTEN_PID=<our pid>. The socket exists before kapacitord starts and
 * outlives udf-run restarts, so kapacitord never finds it missing: Kapacitor
 * connects to every configured UDF at boot and refuses to start otherwise,
 * and connections made while udf-run restarts wait in the socket's backlog.
 */
import * as fs from 'node:fs';
import { SocketActivationError } from './errors';

/** The first passed descriptor (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

/**
 * The listening socket systemd passed to this process, or undefined when
 * none was (no LISTEN_FDS, or it is meant for another process: LISTEN_PID is
 * not ours). The variables are removed from the environment, as
 * sd_listen_fds(1) does, so that processes we start do not take them as
 * theirs. More than one socket, or a descriptor that is not a socket, is a
 * SocketActivationError (exit 2).
 */
export function takeListenFd(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | undefined {
  const fds = env.LISTEN_FDS;
  const listenPid = env.LISTEN_PID;
  if (fds === undefined) return undefined;
  if (listenPid !== undefined && listenPid !== String(pid)) return undefined;
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (!/^\d+$/.test(fds)) throw new SocketActivationError(`LISTEN_FDS must be a number of descriptors, got "${fds}"`);
  const count = Number(fds);
  if (count === 0) return undefined;
  if (count !== 1) {
    throw new SocketActivationError(
      `systemd passed ${count} sockets; udf-run serves one: give the .socket unit a single ListenStream= (one unix socket path)`,
    );
  }
  let stats: fs.Stats;
  try {
    stats = fs.fstatSync(LISTEN_FDS_START);
  } catch (err) {
    throw new SocketActivationError(`LISTEN_FDS=1 but descriptor ${LISTEN_FDS_START} is not open (${(err as Error).message})`);
  }
  if (!stats.isSocket()) {
    throw new SocketActivationError(
      `descriptor ${LISTEN_FDS_START} is not a socket: the .socket unit must use ListenStream=/path/to/udf.sock (a unix stream socket)`,
    );
  }
  return LISTEN_FDS_START;
}

/** The message for a passed socket that is a socket, but not a listening unix stream socket. */
export function notUnixStreamSocket(detail: string): SocketActivationError {
  return new SocketActivationError(
    `the passed socket is not a listening unix stream socket (${detail}): the .socket unit must use ListenStream=/path/to/udf.sock, ` +
      'not a TCP port, ListenDatagram= or ListenSequentialPacket=, and Accept=no',
  );
}
