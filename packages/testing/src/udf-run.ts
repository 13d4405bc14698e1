import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from './errors';
import { KapacitorClient, type KapacitorClientOptions, type SpawnOptions } from './kapacitor-client';

/**
 * The path of the `udf-run` script of the installed @kapacitor-udf/cli,
 * looked up from `cwd` first (the UDF package under test), then from this
 * package.
 */
export function findUdfRun(cwd: string = process.cwd()): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve('@kapacitor-udf/cli/package.json', { paths: [cwd, __dirname] });
  } catch {
    throw new HarnessError(
      'ERR_UDF_RUN_NOT_FOUND',
      `udf-run was not found from ${cwd}: install it with \`npm install --save-dev @kapacitor-udf/cli\``,
    );
  }
  const manifest = JSON.parse(readFileSync(pkgJson, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.['udf-run'] ?? 'dist/bin/udf-run.js');
  const script = join(dirname(pkgJson), bin);
  if (!existsSync(script)) {
    throw new HarnessError(
      'ERR_UDF_RUN_NOT_FOUND',
      `${script} does not exist: build @kapacitor-udf/cli first (in this repository: \`npm run build\`)`,
    );
  }
  return script;
}

export interface SpawnUdfOptions extends SpawnOptions {
  /** Load the UDF from this file instead of the package found in `cwd` (`udf-run --module`). */
  module?: string;
  /** More `udf-run` arguments (e.g. `['--log-level', 'debug']`). */
  args?: readonly string[];
}

function udfRunArgs(name: string, options: SpawnUdfOptions): string[] {
  const args = [findUdfRun(options.cwd), name];
  if (options.module !== undefined) args.push('--module', options.module);
  return args.concat(options.args ?? []);
}

/**
 * Starts `udf-run <name>` as a process UDF, as Kapacitor would for a task
 * (`[udf.functions.<name>] prog = "udf-run"`), and returns the client talking
 * to it over its stdin/stdout.
 */
export function spawnUdf(name: string, options: SpawnUdfOptions = {}): KapacitorClient {
  return KapacitorClient.spawn(process.execPath, udfRunArgs(name, options), options);
}

/** A socket UDF server started with `udf-run <name> --socket <path>`. */
export interface SocketUdf {
  readonly socket: string;
  readonly process: ChildProcess;
  /** What the server wrote to stderr so far (its log). */
  readonly stderr: string;
  /** A new connection, as Kapacitor opens one at startup (Info) and one per task. */
  connect(options?: KapacitorClientOptions): Promise<KapacitorClient>;
  /** Stops the server with SIGTERM and resolves with its exit code (or signal name). */
  stop(): Promise<number | string>;
}

export interface SpawnSocketUdfOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  module?: string;
  args?: readonly string[];
  /** 'collect' (default) keeps stderr in `stderr`; 'inherit' also prints it. */
  stderr?: 'collect' | 'inherit';
  /** How long to wait for the socket to appear (default 20 s). */
  readyTimeoutMs?: number;
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * Starts `udf-run <name> --socket <socket>` and resolves once the socket
 * exists (the server listens). Rejects, with the server's stderr, if it
 * exits first.
 */
export function spawnSocketUdf(name: string, socket: string, options: SpawnSocketUdfOptions = {}): Promise<SocketUdf> {
  const args = udfRunArgs(name, options).concat(['--socket', socket]);
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (options.stderr === 'inherit') process.stderr.write(chunk);
    stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const server: SocketUdf = {
    socket,
    process: child,
    get stderr() {
      return stderr;
    },
    connect: (clientOptions) => KapacitorClient.connect(socket, clientOptions),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: HarnessError) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        resolve(server);
      }
    };
    // The socket file appears when the server listens; polling for it opens no connection the server would see.
    const poll = setInterval(() => isSocket(socket) && finish(), 25);
    const timer = setTimeout(
      () => finish(new HarnessError('ERR_UDF_CLOSED', `udf-run ${name} did not listen on ${socket} within ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    );
    void exited.then((status) =>
      finish(new HarnessError('ERR_UDF_EXIT', `udf-run ${name} --socket ${socket} exited (${status}) before listening:\n${stderr}`)),
    );
  });
}
