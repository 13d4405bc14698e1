import * as net from 'node:net';
import {
  createPoint,
  FrameDecoder,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  type Logger,
  type Point,
  type Request,
  type Response,
} from '@kapacitor-udf/core';

/** A Logger that keeps its lines, for asserting what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  debug(msg: string, fields?: object): void {
    this.lines.push({ level: 'debug', msg, fields: { ...fields } });
  }
  info(msg: string, fields?: object): void {
    this.lines.push({ level: 'info', msg, fields: { ...fields } });
  }
  warn(msg: string, fields?: object): void {
    this.lines.push({ level: 'warn', msg, fields: { ...fields } });
  }
  error(msg: string, fields?: object): void {
    this.lines.push({ level: 'error', msg, fields: { ...fields } });
  }
}

export function point(time: bigint, fields: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time,
    name: 'm',
    fieldsDouble: { v: 1 },
    ...fields,
  };
}

/** Kapacitor's side of a unix-socket conversation. */
export class Client {
  private readonly decoder = new FrameDecoder();
  private readonly received: Response[] = [];
  readonly closed: Promise<Response[]>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const body of this.decoder.push(chunk)) this.received.push(decodeResponse(body));
    });
    socket.on('error', () => undefined);
    // Like Kapacitor: read until the UDF ends its side, then close ours.
    this.closed = new Promise((resolve) => {
      const done = (): void => {
        socket.end();
        resolve(this.received);
      };
      socket.once('end', done);
      socket.once('close', done);
    });
  }

  static connect(path: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path, allowHalfOpen: true });
      socket.once('connect', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  send(message: Request['message']): void {
    this.socket.write(encodeFrame(encodeRequest({ message })));
  }

  /** Waits until `count` responses arrived. */
  async responses(count: number): Promise<Response[]> {
    while (this.received.length < count) {
      if (this.socket.destroyed) throw new Error(`connection closed after ${this.received.length} of ${count} responses`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.received.slice(0, count);
  }
}

