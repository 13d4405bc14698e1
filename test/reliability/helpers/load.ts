import type { Socket } from 'node:net';
import { encodeFrame, encodeRequest, encodeResponse, FrameDecoder, type Point } from '@kapacitor-udf/core';
import { connectPeer } from '../../support/connect-peer';
import { makePoint } from './points';

export type ClientRole = 'normal' | 'killed' | 'corrupted';

export interface ClientResult {
  id: number;
  role: ClientRole;
  /** Points sent before the end (normal: all). */
  sent: number;
  /** Points mirrored back, verified in order and byte for byte. */
  received: number;
  /** The ErrorResponse text, if one came. */
  error?: string;
  /** What was wrong with the output (empty = correct). */
  problems: string[];
}

const INIT_OK = Buffer.from(encodeResponse({ message: { $case: 'init', value: { success: true, error: '' } } }));

export function loadPoint(client: number, seq: number): Point {
  return makePoint(seq, { tags: { host: `server${seq % 7}`, conn: String(client) } });
}

/**
 * One Kapacitor-like client on a socket UDF running mirror: Init, then
 * `points` points written as fast as the server reads them. A normal client
 * then half-closes and reads to the end; a killed one vanishes halfway; a
 * corrupted one sends a bad frame halfway. Every response is checked against
 * the exact bytes of what was sent.
 */
export async function runClient(socketPath: string, id: number, points: number, role: ClientRole): Promise<ClientResult> {
  const { socket } = await connectPeer(socketPath);
  // connectPeer's WirePeer keeps every response: too much at load, so read raw.
  socket.removeAllListeners('data');
  const result: ClientResult = { id, role, sent: 0, received: 0, problems: [] };
  const decoder = new FrameDecoder();
  let sawInit = false;
  const verify = (body: Uint8Array): void => {
    if (!sawInit) {
      if (!Buffer.from(body).equals(INIT_OK)) result.problems.push('first response is not InitResponse{success:true}');
      sawInit = true;
      return;
    }
    if (result.error !== undefined) {
      result.problems.push('a response after the ErrorResponse');
      return;
    }
    const expected = encodeRequest({ message: { $case: 'point', value: loadPoint(id, result.received) } });
    if (Buffer.from(body).equals(expected)) {
      result.received++;
      return;
    }
    // Not the next point: an ErrorResponse (field 6), or corruption / loss / reordering.
    if (body[0] === 0x32) {
      const { decodeResponse } = require('@kapacitor-udf/core') as typeof import('@kapacitor-udf/core');
      const m = decodeResponse(body).message;
      if (m?.$case === 'error') {
        result.error = m.value.error;
        return;
      }
    }
    result.problems.push(`response ${result.received} is not point ${result.received} of connection ${id}`);
  };
  const ended = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const body of decoder.push(chunk)) verify(body);
      } catch (err) {
        result.problems.push(`bad framing: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('close', () => resolve());
    socket.on('end', () => resolve());
  });
  socket.on('error', () => undefined);

  socket.write(encodeFrame(encodeRequest({ message: { $case: 'init', value: { options: [], taskID: `t${id}`, nodeID: 'udf1' } } })));
  const stopAt = role === 'normal' ? points : Math.floor(points / 2);
  await writePoints(socket, id, stopAt, result);
  if (role === 'killed') {
    socket.destroy();
    return result;
  }
  if (role === 'corrupted') socket.write(Buffer.alloc(11, 0xff)); // a length prefix over 10 bytes
  socket.end();
  await ended;
  try {
    decoder.end();
  } catch (err) {
    result.problems.push(`output ended mid-frame: ${(err as Error).message}`);
  }
  socket.destroy();
  if (role === 'normal') {
    if (result.received !== points) result.problems.push(`received ${result.received} of ${points} points`);
    if (result.error !== undefined) result.problems.push(`unexpected ErrorResponse: ${result.error}`);
  } else if (role === 'corrupted') {
    if (result.received !== stopAt) result.problems.push(`received ${result.received} of the ${stopAt} points sent before the bad frame`);
    if (result.error === undefined || !/longer than 10 bytes/.test(result.error))
      result.problems.push(`expected an ErrorResponse about the bad frame, got ${String(result.error)}`);
  }
  return result;
}

async function writePoints(socket: Socket, id: number, count: number, result: ClientResult): Promise<void> {
  const batch: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(Buffer.from(encodeFrame(encodeRequest({ message: { $case: 'point', value: loadPoint(id, i) } }))));
    if (batch.length === 200 || i === count - 1) {
      const ok = socket.write(Buffer.concat(batch));
      result.sent += batch.length;
      batch.length = 0;
      if (!ok && !socket.destroyed)
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      if (socket.destroyed) return;
    }
  }
}

/** Roles for `n` clients: every `killEvery`-th killed, every `corruptEvery`-th (offset by one) corrupted. */
export function roles(n: number, killEvery: number, corruptEvery: number): ClientRole[] {
  return Array.from({ length: n }, (_, i) =>
    i % killEvery === killEvery - 1 ? 'killed' : i % corruptEvery === corruptEvery - 2 ? 'corrupted' : 'normal',
  );
}

/** Runs all clients at once; resolves with their results. */
export function runLoad(socketPath: string, roleList: ClientRole[], points: number): Promise<ClientResult[]> {
  return Promise.all(roleList.map((role, id) => runClient(socketPath, id, points, role)));
}

/** Parses heap-report lines (fixtures/heap-reporter.js) out of a UDF's log. */
export function heapReports(log: string): Array<{ heapUsed: number; rss: number }> {
  const out: Array<{ heapUsed: number; rss: number }> = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"heap-report"')) continue;
    try {
      const r = JSON.parse(line) as { heapUsed: number; rss: number };
      out.push({ heapUsed: r.heapUsed, rss: r.rss });
    } catch {
      // a partial line at the end of the buffer
    }
  }
  return out;
}
