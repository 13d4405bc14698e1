/**
 * The output of a replay, formatted on a worker thread (output-worker.ts):
 * the response bytes go there as they come, the text comes back in order and
 * is written to `out`. `ready()` holds the input back while too many chunks
 * wait there, so memory stays bounded when the output is the slower side.
 */
import { once } from 'node:events';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const MAX_IN_FLIGHT = 8;
const POST_BYTES = 256 * 1024;

type FromWorker =
  | { ack: number }
  | { bytes: ArrayBuffer; length: number; offset?: number }
  | { done: { points: number; batches: number } }
  | { error: { message: string; code?: string } };

export class ReplayOutputThread {
  private readonly worker: Worker;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly finished: Promise<{ points: number; batches: number }>;

  constructor(
    format: 'lp' | 'json',
    private readonly out: NodeJS.WritableStream & { writableNeedDrain?: boolean },
  ) {
    this.worker = new Worker(path.join(__dirname, 'output-worker.js'), { workerData: { format } });
    this.finished = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromWorker) => {
        if ('ack' in m) {
          this.inFlight -= m.ack;
          this.wake?.();
        } else if ('bytes' in m) {
          this.out.write(Buffer.from(m.bytes, m.offset ?? 0, m.length));
        } else if ('done' in m) {
          resolve(m.done);
        } else {
          const err = new Error(m.error.message) as Error & { code?: string };
          err.code = m.error.code;
          this.failure = err;
          this.wake?.();
          reject(err);
        }
      });
      this.worker.on('error', (err) => {
        this.failure = err;
        this.wake?.();
        reject(err);
      });
    });
    this.finished.catch(() => undefined);
    // The output's reader went away (`udf-run ... --replay FILE | head`):
    // EPIPE. Unheard, it was an uncaught exception; now ready() refuses
    // more input and the replay stops (replay-command.ts ends it quietly).
    this.out.on('error', (err: Error) => {
      this.failure ??= err;
      this.wake?.();
    });
  }

  /** The error that ended the output, if it did (EPIPE: its reader closed it). */
  get outputError(): (Error & { code?: string }) | undefined {
    return this.failure;
  }

  /**
   * Hands on response bytes. They are gathered (a message per agent write
   * costs more than the copy) and sent at POST_BYTES, at ready() and at end().
   */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= POST_BYTES) this.post();
  }

  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private post(): void {
    if (this.pendingBytes === 0) return;
    // A copy of our own to transfer: the agent's buffers may be pooled.
    const copy = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const b of this.pending) {
      copy.set(b, at);
      at += b.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.inFlight++;
    this.worker.postMessage({ chunk: copy }, [copy.buffer]);
  }

  /** A promise while the worker or `out` is behind; undefined when more may come. */
  ready(): Promise<void> | undefined {
    this.post();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.inFlight > MAX_IN_FLIGHT) {
      return new Promise<void>((resolve) => {
        this.wake = resolve;
      }).then(() => this.ready());
    }
    if (this.out.writableNeedDrain) return once(this.out, 'drain').then(() => undefined);
    return undefined;
  }

  /** Everything formatted and handed to `out`; resolves with what the UDF emitted. */
  async end(): Promise<{ points: number; batches: number }> {
    this.post();
    this.worker.postMessage({ end: true });
    try {
      return await this.finished;
    } finally {
      await this.worker.terminate();
    }
  }
}
