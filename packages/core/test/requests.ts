import { PassThrough } from 'stream';
import { decodeResponse, encodeRequest } from '../src/codec';
import { createPoint } from '../src/data-messages';
import { encodeFrame } from '../src/encode-frame';
import { FrameDecoder } from '../src/frame-decoder';
import type { Point, Request, Response } from '../src/generated/udf';

/** Test helper: the Kapacitor end of a conversation over two PassThroughs. */
export class KapacitorSide {
  /** Agent input: what Kapacitor writes. */
  readonly toUdf = new PassThrough();
  /** Agent output: what Kapacitor reads. */
  readonly fromUdf = new PassThrough();
  readonly responses: Response[] = [];
  private readonly decoder = new FrameDecoder();
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(read = true) {
    if (read) this.startReading();
  }

  startReading(): void {
    this.fromUdf.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.responses.push(decodeResponse(f));
      this.waiters = this.waiters.filter((w) => {
        if (this.responses.length >= w.count) w.resolve();
        return this.responses.length < w.count;
      });
    });
  }

  send(...requests: Request[]): void {
    this.toUdf.write(Buffer.concat(requests.map((r) => encodeFrame(encodeRequest(r)))));
  }

  sendRaw(bytes: Uint8Array): void {
    this.toUdf.write(bytes);
  }

  end(): void {
    this.toUdf.end();
  }

  /** Resolves once at least `count` responses arrived. */
  waitFor(count: number): Promise<void> {
    if (this.responses.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  kinds(): string[] {
    return this.responses.map((r) => r.message?.$case ?? 'none');
  }
}

export function point(overrides: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time: 1700000000000000000n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    tags: { host: 'a' },
    fieldsDouble: { value: 1.5 },
    ...overrides,
  };
}

export const req = {
  info: (): Request => ({ message: { $case: 'info', value: {} } }),
  init: (): Request => ({ message: { $case: 'init', value: { options: [], taskID: 't', nodeID: 'n' } } }),
  keepalive: (time: bigint): Request => ({ message: { $case: 'keepalive', value: { time } } }),
  snapshot: (): Request => ({ message: { $case: 'snapshot', value: {} } }),
  restore: (snapshot: Buffer): Request => ({ message: { $case: 'restore', value: { snapshot } } }),
  point: (p: Point): Request => ({ message: { $case: 'point', value: p } }),
  begin: (name: string): Request => ({ message: { $case: 'begin', value: { name, group: '', tags: {}, size: 0n, byName: false } } }),
  end: (name: string): Request => ({ message: { $case: 'end', value: { name, group: '', tmax: 0n, tags: {}, byName: false } } }),
};

export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
