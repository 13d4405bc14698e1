import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectPeer } from '../../support/connect-peer';
import { MIRROR_DIR, UDF_RUN } from './paths';
import { withTimeout } from './udf-run';

/** A `udf-run <name> --socket <path>` server process. */
export interface SocketUdfServer {
  readonly child: ChildProcess;
  readonly socketPath: string;
  readonly dir: string;
  log(): string;
  readonly exit: Promise<number | string>;
  connect(): ReturnType<typeof connectPeer>;
  /** SIGTERM, wait for the exit, remove the temporary directory. */
  stop(): Promise<number | string>;
}

export interface SocketServerOptions {
  name?: string;
  module?: string;
  args?: string[];
  cwd?: string;
  /** Socket path (default: a fresh temporary directory's `udf.sock`). */
  socketPath?: string;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Start it under `ulimit -n <n>` (through sh, which then execs node: child.pid is node's). */
  maxOpenFiles?: number;
}

function isSocket(p: string): boolean {
  try {
    return statSync(p).isSocket();
  } catch {
    return false;
  }
}

export async function startSocketServer(options: SocketServerOptions = {}): Promise<SocketUdfServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'udf-rel-'));
  const socketPath = options.socketPath ?? path.join(dir, 'udf.sock');
  const args = [...(options.nodeArgs ?? []), UDF_RUN, options.name ?? 'mirror'];
  if (options.module !== undefined) args.push('--module', options.module);
  args.push('--socket', socketPath, ...(options.args ?? []));
  const [command, commandArgs] =
    options.maxOpenFiles === undefined
      ? [process.execPath, args]
      : ['sh', ['-c', `ulimit -n ${options.maxOpenFiles} && exec "$0" "$@"`, process.execPath, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: options.cwd ?? MIRROR_DIR,
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-1024 * 1024);
  });
  const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let exited = false;
  void exit.then(() => (exited = true));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (/"listening"/.test(log) && isSocket(socketPath)) {
          clearInterval(poll);
          resolve();
        } else if (exited) {
          clearInterval(poll);
          reject(new Error(`udf-run --socket exited before listening:\n${log}`));
        }
      }, 20);
    }),
    30_000,
    () => `udf-run --socket did not start listening within 30 s:\n${log}`,
  );
  return {
    child,
    socketPath,
    dir,
    log: () => log,
    exit,
    connect: () => connectPeer(socketPath),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await withTimeout(exit, 20_000, () => `udf-run --socket did not exit after SIGTERM:\n${log}`).catch((err) => {
        child.kill('SIGKILL');
        throw err;
      });
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
