import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The one way the root test suites start the real `udf-run` (integration,
 * reliability, stress): a child process with its stderr (its log) collected
 * and its exit awaited. The suites' helpers only choose defaults (which
 * script, which folder, which UDF) and what to put on its stdin/stdout (a
 * WirePeer, a captured text). The testing kit's `spawnUdf` /
 * `spawnSocketUdf` are the users' equivalent, with Kapacitor's strictness.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
/** The `udf-run` command npm links (loads the compiled program; fails clearly when it is not built). */
export const UDF_RUN_BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'udf-run.js');
/** The compiled program itself (never the sources): what Kapacitor would start. */
export const UDF_RUN_PROGRAM = path.join(ROOT, 'packages', 'cli', 'dist', 'bin', 'udf-run.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface UdfRunOptions {
  /** The script run by node (default UDF_RUN_PROGRAM). */
  script?: string;
  /** Node's own flags, before the script. */
  nodeArgs?: readonly string[];
  cwd?: string;
  /** The whole environment of the process (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' (default) or 'ignore' (a socket server reads nothing from stdin). */
  stdin?: 'pipe' | 'ignore';
  /** 'pipe' (default: for a WirePeer), 'capture' (kept as text in `stdout`) or 'ignore'. */
  stdout?: 'pipe' | 'capture' | 'ignore';
  /** Keep only the last this many characters of stderr (default: all of it). */
  stderrLimit?: number;
  /** Start it under `ulimit -n <n>` (through sh, which then execs node: child.pid is node's). */
  maxOpenFiles?: number;
  /** Run this program with `args` instead of node with udf-run (e.g. systemd-socket-activate, which execs udf-run itself). */
  command?: string;
}

const running = new Set<UdfRun>();

/** Kills every udf-run started in this test file that has not exited yet (for afterAll: a failed test must not leave servers behind). */
export async function killAllUdfRuns(): Promise<void> {
  const left = [...running];
  for (const proc of left) proc.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}

function isSocket(p: string): boolean {
  try {
    return statSync(p).isSocket();
  } catch {
    return false;
  }
}

/** A spawned `udf-run` with its stderr collected and its exit awaited. */
export class UdfRun {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private stderrText = '';
  private stdoutText = '';

  constructor(args: readonly string[], options: UdfRunOptions = {}) {
    const stdout = options.stdout ?? 'pipe';
    const nodeArgs = [...(options.nodeArgs ?? []), options.script ?? UDF_RUN_PROGRAM, ...args];
    const [command, commandArgs] =
      options.command !== undefined
        ? [options.command, [...args]]
        : options.maxOpenFiles === undefined
          ? [process.execPath, nodeArgs]
          : ['sh', ['-c', `ulimit -n ${options.maxOpenFiles} && exec "$0" "$@"`, process.execPath, ...nodeArgs]];
    this.child = spawn(command, commandArgs, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: [options.stdin ?? 'pipe', stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
    });
    const limit = options.stderrLimit ?? Infinity;
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      this.stderrText += text;
      if (this.stderrText.length > limit) this.stderrText = this.stderrText.slice(-limit);
    });
    if (stdout === 'capture') {
      this.child.stdout!.setEncoding('utf8');
      this.child.stdout!.on('data', (text: string) => (this.stdoutText += text));
    }
    // A UDF that exits while a test still writes makes the write fail (EPIPE): the exit is what the test checks.
    this.child.stdin?.on('error', () => undefined);
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      }),
    );
  }

  get stderr(): string {
    return this.stderrText;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** stderr's JSON log lines, parsed (other lines skipped). */
  logs(): Array<Record<string, unknown>> {
    return this.stderrText
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }

  /** Waits until stderr contains `text` (e.g. the "listening" log line); fails when the process exits first. */
  async waitForStderr(text: string, timeoutMs = 15_000): Promise<void> {
    const started = Date.now();
    while (!this.stderrText.includes(text)) {
      if (this.child.exitCode !== null)
        throw new Error(`udf-run exited (${this.child.exitCode}) before logging "${text}":\n${this.stderrText}`);
      if (Date.now() - started > timeoutMs) throw new Error(`udf-run did not log "${text}" within ${timeoutMs} ms:\n${this.stderrText}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the server logged "listening" and `socketPath` is a socket; fails when the process exits first. */
  async listening(socketPath: string, timeoutMs = 30_000): Promise<void> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    const started = Date.now();
    while (!(/"listening"/.test(this.stderrText) && isSocket(socketPath))) {
      if (exited) throw new Error(`udf-run --socket exited before listening:\n${this.stderrText}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`udf-run --socket did not start listening within ${timeoutMs / 1000} s:\n${this.stderrText}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }
}

/** `code`, else the signal's name, as the reliability tests compare exits. */
export function exitStatus(exit: Exit): number | string {
  return exit.code ?? exit.signal ?? 'unknown';
}
