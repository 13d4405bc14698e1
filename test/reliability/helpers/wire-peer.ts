import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import {
  FrameDecoder,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  type Point,
  type Request,
  type Response,
} from '@kapacitor-udf/core';
import { MIRROR_DIR, UDF_RUN } from './paths';

export type ResponseKind = NonNullable<Response['message']>['$case'];
export type ResponseValue<K extends ResponseKind> = Extract<NonNullable<Response['message']>, { $case: K }>['value'];

/**
 * Kapacitor's side of one conversation at the byte level: it can send valid
 * requests or any raw bytes, and it records every response and whether the
 * UDF's output was a clean sequence of whole frames.
 */
export class WirePeer {
  readonly responses: Response[] = [];
  /** The raw body of each response, in order (for byte-exact checks). */
  readonly bodies: Buffer[] = [];
  /** Set when the UDF's output was not valid framing / protobuf. */
  outputError: Error | undefined;
  /** The UDF closed its side (EOF or close). */
  ended = false;
  /** The output stream reported an error (e.g. ECONNRESET). */
  readError: Error | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly waiters = new Set<() => void>();
  private readonly endedPromise: Promise<void>;

  constructor(
    readonly readable: Readable,
    readonly writable: Writable,
  ) {
    readable.on('data', (chunk: Buffer) => {
      if (this.outputError) return;
      try {
        for (const body of this.decoder.push(chunk)) {
          this.bodies.push(Buffer.from(body));
          this.responses.push(decodeResponse(body));
        }
      } catch (err) {
        this.outputError = err as Error;
      }
      this.wake();
    });
    this.endedPromise = new Promise<void>((resolve) => {
      const onEnd = (): void => {
        if (this.ended) return;
        this.ended = true;
        if (!this.outputError) {
          try {
            this.decoder.end();
          } catch (err) {
            this.outputError = err as Error;
          }
        }
        this.wake();
        resolve();
      };
      readable.on('end', onEnd);
      readable.on('close', onEnd);
      readable.on('error', (err) => {
        this.readError ??= err;
        onEnd();
      });
    });
    // Writing to a UDF that already gave up fails with EPIPE: expected here.
    writable.on('error', () => undefined);
  }

  send(message: Request['message']): void {
    this.raw(encodeFrame(encodeRequest({ message })));
  }

  point(p: Point): void {
    this.send({ $case: 'point', value: p });
  }

  raw(bytes: Uint8Array): boolean {
    if (this.writable.destroyed || this.writable.writableEnded) return false;
    return this.writable.write(bytes);
  }

  /** EOF on a pipe, half-close on a socket: how Kapacitor stops a task. */
  endInput(): void {
    if (!this.writable.writableEnded) this.writable.end();
  }

  /** Resolves once the UDF closed its output; fails the test after timeoutMs. */
  async closed(timeoutMs = 15_000): Promise<void> {
    await withTimeout(this.endedPromise, timeoutMs, () => `the UDF did not close its output within ${timeoutMs} ms (got ${this.responses.length} responses)`);
  }

  /** Waits until `predicate()` holds (re-checked on every response and at the end). */
  async until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return;
    let wake!: () => void;
    const changed = (): void => {
      if (predicate() || this.ended || this.outputError) wake();
    };
    const ready = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(changed);
    try {
      await withTimeout(ready, timeoutMs, () => `timed out after ${timeoutMs} ms waiting for ${what} (got ${this.responses.length} responses, ended=${this.ended})`);
    } finally {
      this.waiters.delete(changed);
    }
    if (!predicate()) {
      throw new Error(`${what} never happened: ${this.outputError ? `bad output (${this.outputError.message})` : `the UDF closed after ${this.responses.length} responses`}: ${summarize(this.responses)}`);
    }
  }

  count(kind: string): number {
    return this.responses.filter((r) => r.message?.$case === kind).length;
  }

  of<K extends ResponseKind>(kind: K): ResponseValue<K>[] {
    const out: ResponseValue<K>[] = [];
    for (const r of this.responses) if (r.message?.$case === kind) out.push(r.message.value as ResponseValue<K>);
    return out;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

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
  const args = [...(options.nodeArgs ?? []), UDF_RUN, options.name ?? 'mirror'];
  if (options.module !== undefined) args.push('--module', options.module);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? MIRROR_DIR,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-256 * 1024);
  });
  const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const peer = new WirePeer(child.stdout!, child.stdin!);
  return {
    child,
    peer,
    stderr: () => stderr,
    exit,
    exited: (timeoutMs = 15_000) => withTimeout(exit, timeoutMs, () => `udf-run did not exit within ${timeoutMs} ms; stderr:\n${stderr}`),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A socket connection with a byte-level peer. */
export function connectPeer(socketPath: string): Promise<{ socket: Socket; peer: WirePeer }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath, allowHalfOpen: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, peer: new WirePeer(socket, socket) });
    });
  });
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
