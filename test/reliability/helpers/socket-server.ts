import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectPeer } from '../../support/connect-peer';
import { exitStatus, UdfRun } from '../../support/udf-run';
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

export async function startSocketServer(options: SocketServerOptions = {}): Promise<SocketUdfServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'udf-rel-'));
  const socketPath = options.socketPath ?? path.join(dir, 'udf.sock');
  const args = [options.name ?? 'mirror'];
  if (options.module !== undefined) args.push('--module', options.module);
  args.push('--socket', socketPath, ...(options.args ?? []));
  const proc = new UdfRun(args, {
    script: UDF_RUN,
    nodeArgs: options.nodeArgs,
    maxOpenFiles: options.maxOpenFiles,
    cwd: options.cwd ?? MIRROR_DIR,
    env: options.env,
    stdin: 'ignore',
    stdout: 'ignore',
    stderrLimit: 1024 * 1024,
  });
  const { child } = proc;
  const exit = proc.exited.then(exitStatus);
  await proc.listening(socketPath);
  return {
    child,
    socketPath,
    dir,
    log: () => proc.stderr,
    exit,
    connect: () => connectPeer(socketPath),
    stop: async () => {
      proc.kill('SIGTERM');
      const code = await withTimeout(exit, 20_000, () => `udf-run --socket did not exit after SIGTERM:\n${proc.stderr}`).catch((err) => {
        child.kill('SIGKILL');
        throw err;
      });
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
