/**
 * Plays Kapacitor for one task against a UDF handler, offline: the requests
 * Kapacitor's UDF node sends (Info, Init with the options, Restore, the data,
 * Snapshot, then EOF) are encoded and framed exactly as on the wire and fed
 * to the real core Agent over in-memory streams; its response frames are
 * decoded back. Nothing skips the protocol: what a replay shows is what the
 * UDF does under Kapacitor.
 */
import { PassThrough } from 'node:stream';
import {
  Agent,
  type AgentOptions,
  decodeResponse,
  EdgeType,
  encodeFrame,
  encodeRequest,
  FrameDecoder,
  type InfoResponse,
  type Option,
  type Point,
  type Request,
  type Response,
} from '@kapacitor-udf/core';
import type { Batch } from './batch';
import { ReplayError } from './errors';

/** What a replay feeds: stream points (in arrays, as read), whole batches, or their encoded frames. */
export type ReplayInput =
  | { readonly edge: 'stream'; readonly points: AsyncIterable<Point[]> }
  | { readonly edge: 'batch'; readonly batches: AsyncIterable<Batch | Batch[]> }
  | { readonly edge: 'stream' | 'batch'; readonly encoded: AsyncIterable<EncodedChunk> };

/** Request frames of data, already encoded (see encodedInput), with what they hold. */
export interface EncodedChunk {
  bytes: Uint8Array;
  points: number;
  batches: number;
}

export interface ReplayDriverOptions extends Omit<AgentOptions, 'input' | 'output'> {
  /**
   * InitRequest options, sent as given (the UDF checks them as at Init under
   * Kapacitor), or made from the UDF's InfoResponse (its declared types).
   */
  options: readonly Option[] | ((info: InfoResponse) => readonly Option[]);
  taskID?: string;
  nodeID?: string;
  /** Snapshot bytes sent in a RestoreRequest before any data. */
  restore?: Uint8Array;
  /** Ask for a snapshot after the data (resolved in `snapshot` of the result). */
  snapshot?: boolean;
  /** Checked against the UDF's InfoResponse before Init; called with it. */
  onInfo?: (info: InfoResponse) => void;
  /** Every data message the UDF emits (point, begin, end), in order (unless `onResponseBytes` takes them). */
  onData?: (response: Response) => void;
  /**
   * The UDF's response bytes as they come, frames unsplit: whoever takes
   * them decodes the data messages (point, begin, end) itself, e.g. on
   * another thread; `onData` is then not called. Control responses are
   * still read here.
   */
  onResponseBytes?: (chunk: Buffer) => void;
  /** Called before more input is sent: a promise holds the input back (e.g. until the output drained). */
  outputReady?: () => Promise<void> | undefined;
}

export interface ReplayResult {
  info: InfoResponse;
  snapshot?: Uint8Array;
  /** Points sent to the UDF (stream points, or points inside batches). */
  pointsSent: number;
  batchesSent: number;
}

/** The UDF answered a request with an error, or refused Init/Restore; the message is the UDF's own. */
export class ReplayUdfError extends ReplayError {}

type Waiter = { kind: string; resolve: (r: Response) => void; reject: (err: Error) => void };

/** Writes of encoded frames are gathered up to this many bytes before going into the agent's input. */
const WRITE_CHUNK = 64 * 1024;

export async function runReplay(input: ReplayInput, options: ReplayDriverOptions): Promise<ReplayResult> {
  const toUdf = new PassThrough({ highWaterMark: 256 * 1024 });
  const fromUdf = new PassThrough({ highWaterMark: 256 * 1024 });
  const {
    options: initOptions,
    taskID,
    nodeID,
    restore,
    snapshot,
    onInfo,
    onData,
    onResponseBytes,
    outputReady,
    ...agentOptions
  } = options;
  const agent = new Agent({ ...agentOptions, input: toUdf, output: fromUdf });
  const agentDone = agent.start();

  const waiters: Waiter[] = [];
  let failure: Error | undefined;
  const decoder = new FrameDecoder({ maxMessageSize: Number.MAX_SAFE_INTEGER });
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiters.splice(0)) w.reject(failure);
  };
  fromUdf.on('data', (chunk: Buffer) => {
    onResponseBytes?.(chunk);
    let frames: Uint8Array[];
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      failAll(err as Error);
      return;
    }
    for (const frame of frames) {
      // Data responses are fields 16-18 (begin, point, end) of Response: their
      // tag is a two-byte varint, so the first byte has its high bit set;
      // control responses (fields 1-6) start with a one-byte tag.
      if (onResponseBytes !== undefined && frame.length > 0 && (frame[0] & 0x80) !== 0) continue;
      const response = decodeResponse(frame);
      const kind = response.message?.$case;
      if (kind === 'point' || kind === 'begin' || kind === 'end') {
        onData?.(response);
      } else if (kind === 'error') {
        failAll(new ReplayUdfError('ERR_UDF_FAILED', `the UDF sent an error: ${response.message?.value.error}`));
      } else {
        const w = waiters.shift();
        if (w === undefined || w.kind !== kind) {
          failAll(new ReplayError('ERR_UDF_FAILED', `unexpected ${kind} response from the UDF`));
        } else w.resolve(response);
      }
    }
  });
  const outputEnded = new Promise<void>((resolve) =>
    fromUdf.once('end', () => {
      if (waiters.length > 0) failAll(new ReplayError('ERR_UDF_FAILED', 'the UDF ended the conversation before answering'));
      resolve();
    }),
  );
  agentDone.catch((err: unknown) => failAll(err instanceof Error ? err : new Error(String(err))));

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (failure !== undefined) throw failure;
    if (!toUdf.write(chunk)) await waitDrain();
    const ready = outputReady?.();
    if (ready !== undefined) await ready;
  };
  const waitDrain = () =>
    new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        clearInterval(check);
        resolve();
      };
      // The agent stops reading when it failed: don't wait for a drain that never comes.
      const check = setInterval(() => {
        if (failure !== undefined) {
          toUdf.off('drain', onDrain);
          clearInterval(check);
          reject(failure);
        }
      }, 50);
      toUdf.once('drain', onDrain);
    });
  const send = (request: Request) => {
    const frame = encodeFrame(encodeRequest(request));
    pending.push(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    pendingBytes += frame.byteLength;
  };
  const ask = async (request: Request, kind: string): Promise<Response> => {
    if (failure !== undefined) throw failure;
    const answer = new Promise<Response>((resolve, reject) => waiters.push({ kind, resolve, reject }));
    send(request);
    await flush();
    return answer;
  };

  let pointsSent = 0;
  let batchesSent = 0;
  let info: InfoResponse | undefined;
  let snapshotBytes: Uint8Array | undefined;
  try {
    info = ((await ask({ message: { $case: 'info', value: {} } }, 'info')).message?.value as InfoResponse) ?? undefined;
    const wants = info.wants === EdgeType.BATCH ? 'batch' : 'stream';
    if (wants !== input.edge) {
      throw new ReplayError(
        'ERR_REPLAY_SETTING',
        wants === 'batch'
          ? 'the UDF wants batches but the input is a stream: give a batch recording (.brpl), or cut the stream into batches (--batch 10s or --batch-points 100 with udf-run)'
          : 'the UDF wants a stream but the input is batches: give a stream recording (.srpl) or line protocol',
      );
    }
    onInfo?.(info);
    const given = typeof initOptions === 'function' ? initOptions(info) : initOptions;
    const init = await ask(
      { message: { $case: 'init', value: { options: [...given], taskID: taskID ?? 'replay', nodeID: nodeID ?? 'udf1' } } },
      'init',
    );
    const initValue = init.message?.$case === 'init' ? init.message.value : undefined;
    if (initValue === undefined || !initValue.success) {
      throw new ReplayUdfError(
        'ERR_UDF_FAILED',
        `the UDF refused its options (as it would at Init under Kapacitor): ${initValue?.error ?? ''}`,
      );
    }
    if (restore !== undefined) {
      const r = await ask({ message: { $case: 'restore', value: { snapshot: Buffer.from(restore) } } }, 'restore');
      const value = r.message?.$case === 'restore' ? r.message.value : undefined;
      if (value === undefined || !value.success)
        throw new ReplayUdfError('ERR_UDF_FAILED', `the UDF refused the snapshot: ${value?.error ?? ''}`);
    }
    if ('encoded' in input) {
      for await (const chunk of input.encoded) {
        await flush();
        pending.push(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength));
        pendingBytes += chunk.bytes.byteLength;
        pointsSent += chunk.points;
        batchesSent += chunk.batches;
        await flush();
      }
    } else if ('points' in input) {
      for await (const points of input.points) {
        for (let i = 0; i < points.length; i++) {
          send({ message: { $case: 'point', value: points[i] } });
          if (pendingBytes >= WRITE_CHUNK) await flush();
        }
        pointsSent += points.length;
      }
    } else {
      for await (const item of input.batches) {
        for (const b of Array.isArray(item) ? item : [item]) {
          send({ message: { $case: 'begin', value: b.begin } });
          for (const p of b.points) send({ message: { $case: 'point', value: p } });
          send({ message: { $case: 'end', value: b.end } });
          pointsSent += b.points.length;
          batchesSent++;
          if (pendingBytes >= WRITE_CHUNK) await flush();
        }
      }
    }
    await flush();
    if (snapshot) {
      const r = await ask({ message: { $case: 'snapshot', value: {} } }, 'snapshot');
      snapshotBytes = r.message?.$case === 'snapshot' ? new Uint8Array(r.message.value.snapshot) : undefined;
    }
  } catch (err) {
    // Ours (bad input, a refused Init): end the conversation as Kapacitor
    // does when a task stops (EOF), so the UDF stops cleanly. The UDF's own
    // error (err === failure): the agent has ended it already.
    if (err !== failure) {
      // What was read before the bad input is still handled.
      if (pendingBytes > 0) toUdf.write(Buffer.concat(pending, pendingBytes));
      toUdf.end();
    }
    await agentDone.catch(() => undefined);
    throw err;
  }
  toUdf.end();
  try {
    await agentDone;
  } catch (err) {
    throw failure ?? err;
  }
  await outputEnded;
  if (failure !== undefined) throw failure;
  return { info, snapshot: snapshotBytes, pointsSent, batchesSent };
}
