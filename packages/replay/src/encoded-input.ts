/**
 * The plan's data read and encoded on a worker thread (frame-worker.ts): the
 * driver then writes ready frames to the agent. Same frames, same order as
 * `planInput` on the calling thread; a second core does the reading.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ReplayError, type ReplayErrorCode } from './errors';
import type { EncodedChunk, ReplayInput } from './replay-driver';
import { planEdge, type ReplayPlan } from './replay-plan';

type WorkerMessage =
  | { chunk: EncodedChunk }
  | { done: { held: number } }
  | { error: { name: string; message: string; code?: string; line?: number; replay: boolean } };

export function encodedInput(plan: ReplayPlan, onHeld?: (held: number) => void): ReplayInput {
  return { edge: planEdge(plan), encoded: chunks(plan, onHeld) };
}

async function* chunks(plan: ReplayPlan, onHeld?: (held: number) => void): AsyncGenerator<EncodedChunk> {
  // The compiled worker sits next to this file (dist/); from sources (ts-jest) it needs ts-node's register.
  const file = path.join(__dirname, `frame-worker${path.extname(__filename)}`);
  const worker = new Worker(file, {
    workerData: plan,
    execArgv: path.extname(__filename) === '.ts' ? ['--require', 'ts-node/register/transpile-only'] : [],
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', () => wake?.());
  try {
    for (;;) {
      while (queue.length === 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
      if (failure !== undefined) throw failure;
      const m = queue.shift() as WorkerMessage;
      if ('chunk' in m) {
        yield m.chunk;
        worker.postMessage({ ack: 1 });
      } else if ('done' in m) {
        onHeld?.(m.done.held);
        return;
      } else {
        const e = m.error;
        if (e.replay) throw new ReplayError(e.code as ReplayErrorCode, e.message, e.line);
        const err = new Error(e.message) as Error & { code?: string };
        err.code = e.code;
        throw err;
      }
    }
  } finally {
    await worker.terminate();
  }
}
