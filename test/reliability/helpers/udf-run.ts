import type { ChildProcess } from 'node:child_process';
import type { Response } from '@kapacitor-udf/core';
import { WirePeer } from '@kapacitor-udf/testing';
import { exitStatus, UdfRun } from '../../support/udf-run';
import { MIRROR_DIR, UDF_RUN } from './paths';

/**
 * The reliability tests drive the built `udf-run` as Kapacitor does, through
 * the testing kit's byte-level peer (raw bytes, every response kept). This
 * file only puts that peer on a udf-run started by test/support/udf-run.ts.
 */
export type { WirePeer } from '@kapacitor-udf/testing';

/** A spawned `udf-run` process UDF with a byte-level peer on its stdin/stdout. */
export interface ProcessUdf {
  readonly child: ChildProcess;
  readonly peer: WirePeer;
  /** Its stderr so far (its log). */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exit: Promise<number | string>;
  /** Waits for the exit; fails the test after timeoutMs. */
  exited(timeoutMs?: number): Promise<number | string>;
  kill(): void;
}

export interface SpawnOptions {
  /** UDF name (default 'mirror', from examples/mirror). */
  name?: string;
  /** A file to load the UDF from (`--module`). */
  module?: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
}

export function spawnUdfRun(options: SpawnOptions = {}): ProcessUdf {
  const args = [options.name ?? 'mirror'];
  if (options.module !== undefined) args.push('--module', options.module);
  args.push(...(options.args ?? []));
  const proc = new UdfRun(args, {
    script: UDF_RUN,
    nodeArgs: options.nodeArgs,
    cwd: options.cwd ?? MIRROR_DIR,
    env: options.env,
    stderrLimit: 256 * 1024,
  });
  const { child } = proc;
  const exit = proc.exited.then(exitStatus);
  const peer = new WirePeer(child.stdout!, child.stdin!);
  return {
    child,
    peer,
    stderr: () => proc.stderr,
    exit,
    exited: (timeoutMs = 15_000) =>
      withTimeout(exit, timeoutMs, () => `udf-run did not exit within ${timeoutMs} ms; stderr:\n${proc.stderr}`),
    kill: () => proc.kill('SIGKILL'),
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function summarize(responses: Response[]): string {
  const kinds = responses.map((r) => r.message?.$case ?? '(none)');
  const last = responses[responses.length - 1];
  const error = last?.message?.$case === 'error' ? ` last error: ${last.message.value.error}` : '';
  return `[${kinds.slice(0, 20).join(', ')}${kinds.length > 20 ? `, ... ${kinds.length} total` : ''}]${error}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
