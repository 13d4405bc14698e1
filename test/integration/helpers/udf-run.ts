import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { BIN, ROOT } from './paths';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<UdfRunProcess>();

/** Kills every udf-run a test file started and has not seen exit (for afterAll: a failed test must not leave servers behind). */
export async function killAllUdfRuns(): Promise<void> {
  const left = [...running];
  for (const proc of left) proc.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}

/** A spawned udf-run with its stderr collected and its exit awaited. */
export class UdfRunProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private stderrText = '';
  private stdoutText = '';
  readonly exited: Promise<Exit>;

  /**
   * `command`: run this program with `args` instead of node with udf-run
   * (e.g. systemd-socket-activate, which execs udf-run itself).
   */
  constructor(
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv; captureStdout?: boolean; script?: string; command?: string } = {},
  ) {
    const [cmd, argv] = options.command !== undefined ? [options.command, args] : [process.execPath, [options.script ?? BIN, ...args]];
    this.child = spawn(cmd, argv, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => (this.stderrText += text));
    if (options.captureStdout) {
      this.child.stdout.setEncoding('utf8');
      this.child.stdout.on('data', (text: string) => (this.stdoutText += text));
    }
    this.child.stdin.on('error', () => undefined);
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

  /** Waits until stderr contains `text` (e.g. the "listening" log line). */
  async waitForStderr(text: string, timeoutMs = 15_000): Promise<void> {
    const started = Date.now();
    while (!this.stderrText.includes(text)) {
      if (this.child.exitCode !== null)
        throw new Error(`udf-run exited (${this.child.exitCode}) before logging "${text}":\n${this.stderrText}`);
      if (Date.now() - started > timeoutMs) throw new Error(`udf-run did not log "${text}" within ${timeoutMs} ms:\n${this.stderrText}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Runs udf-run to completion (for --list, --describe, errors). */
export async function runUdfRun(args: string[], options: { cwd?: string } = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = new UdfRunProcess(args, { ...options, captureStdout: true });
  proc.child.stdin.end();
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}
