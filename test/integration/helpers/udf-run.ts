import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { type Exit, killAllUdfRuns, UdfRun } from '../../support/udf-run';
import { BIN, ROOT } from './paths';

export type { Exit };
export { killAllUdfRuns };

/**
 * udf-run as the integration tests start it (test/support/udf-run.ts does
 * the spawning): the linked `bin/udf-run.js`, from the repository root, with
 * extra environment variables added to the test's own.
 */
export class UdfRunProcess extends UdfRun {
  // stdin, stdout and stderr are all pipes here.
  declare readonly child: ChildProcessWithoutNullStreams;

  constructor(
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv; captureStdout?: boolean; script?: string; command?: string } = {},
  ) {
    super(args, {
      script: options.script ?? BIN,
      command: options.command,
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdout: options.captureStdout ? 'capture' : 'pipe',
    });
  }
}

/** Runs udf-run to completion (for --list, --describe, errors). */
export async function runUdfRun(args: string[], options: { cwd?: string } = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = new UdfRunProcess(args, { ...options, captureStdout: true });
  proc.child.stdin.end();
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}
