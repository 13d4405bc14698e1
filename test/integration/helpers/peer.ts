import type { Readable, Writable } from 'node:stream';
import { FrameDecoder, decodeResponse, encodeFrame, encodeRequest, type Request, type Response } from '@kapacitor-udf/core';

/**
 * Kapacitor's side of one conversation, over any pair of streams (a child's
 * stdin/stdout, or a unix socket): sends framed Requests, decodes framed
 * Responses, and notices when the UDF closes its side.
 */
export class KapacitorPeer {
  private readonly decoder = new FrameDecoder();
  private readonly responses: Response[] = [];
  private readonly waiters: Array<() => void> = [];
  private endedFlag = false;
  private failure: Error | undefined;
  /** Every byte received, to prove the stream holds nothing but frames. */
  readonly rawBytes: Buffer[] = [];

  constructor(
    readable: Readable,
    private readonly writable: Writable,
  ) {
    readable.on('data', (chunk: Buffer) => {
      this.rawBytes.push(chunk);
      try {
        for (const body of this.decoder.push(chunk)) this.responses.push(decodeResponse(body));
      } catch (err) {
        this.failure = err as Error;
      }
      this.wake();
    });
    readable.on('end', () => {
      this.endedFlag = true;
      try {
        this.decoder.end();
      } catch (err) {
        this.failure = err as Error;
      }
      this.wake();
    });
    readable.on('error', (err) => {
      this.failure ??= err;
      this.endedFlag = true;
      this.wake();
    });
    writable.on('error', () => undefined); // EPIPE after the UDF exits is the test's business, not a crash
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  send(request: Request['message']): void {
    this.writable.write(encodeFrame(encodeRequest({ message: request })));
  }

  /** Closes our write side: EOF on a pipe, half-close on a socket. */
  endInput(): void {
    this.writable.end();
  }

  /** The next response; rejects when the UDF closed first or nothing came in time. */
  async next(timeoutMs = 10_000): Promise<Response> {
    await this.waitFor(() => this.responses.length > 0 || this.endedFlag || this.failure !== undefined, timeoutMs);
    if (this.failure) throw this.failure;
    const response = this.responses.shift();
    if (response === undefined) throw new Error('the UDF closed its output before the expected response');
    return response;
  }

  /** The next `count` responses. */
  async take(count: number, timeoutMs = 10_000): Promise<Response[]> {
    const out: Response[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next(timeoutMs));
    return out;
  }

  /** Every response until the UDF closes its side. */
  async rest(timeoutMs = 10_000): Promise<Response[]> {
    await this.waitFor(() => this.endedFlag || this.failure !== undefined, timeoutMs);
    if (this.failure) throw this.failure;
    return this.responses.splice(0);
  }

  private waitFor(ready: () => boolean, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w();
  }
}
