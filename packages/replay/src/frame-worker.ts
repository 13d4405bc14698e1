/**
 * Worker thread of `encodedInput`: reads the plan's input (gunzip, parsing,
 * grouping, windowing) and encodes the request frames, so the UDF's thread
 * only runs the agent, as under Kapacitor, where another process does this.
 * Chunks go to the parent as transferred buffers; at most MAX_IN_FLIGHT wait
 * for the parent's ack (memory stays bounded when the UDF is slower).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RequestFrames } from './encode-requests';
import { ReplayError } from './errors';
import { planInput, type ReplayPlan } from './replay-plan';
import { streamRecordingFrames } from './stream-recording-frames';

const CHUNK_BYTES = 256 * 1024;
const MAX_IN_FLIGHT = 4;

const port = parentPort;
if (port === null) throw new Error('frame-worker runs as a worker thread only');

let inFlight = 0;
let wake: (() => void) | undefined;
port.on('message', (m: { ack?: number }) => {
  if (m.ack !== undefined) {
    inFlight -= m.ack;
    wake?.();
    wake = undefined;
  }
});

async function send(frames: RequestFrames): Promise<void> {
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
  const chunk = frames.take();
  inFlight++;
  const buffer = chunk.bytes.buffer as ArrayBuffer;
  port?.postMessage({ chunk: { ...chunk } }, chunk.bytes.byteOffset === 0 && chunk.bytes.byteLength === buffer.byteLength ? [buffer] : []);
}

/** A stream recording replayed as it is: read straight into frames (streamRecordingFrames). */
async function runRecording(file: string): Promise<void> {
  for await (const chunk of streamRecordingFrames(file, CHUNK_BYTES)) {
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
    inFlight++;
    // The chunk owns its whole buffer: transferred, not copied.
    port?.postMessage({ chunk }, [chunk.bytes.buffer as ArrayBuffer]);
  }
  port?.postMessage({ done: { held: 0 } });
}

async function run(): Promise<void> {
  const plan = workerData as ReplayPlan;
  if (plan.format === 'srpl' && plan.groupBy === undefined && plan.window === undefined) {
    try {
      await runRecording(plan.file);
    } catch (err) {
      const e = err as Error & { code?: string; line?: number };
      port?.postMessage({ error: { name: e.name, message: e.message, code: e.code, line: e.line, replay: err instanceof ReplayError } });
    }
    return;
  }
  let held: () => number = () => 0;
  const input = planInput(plan, undefined, (h) => {
    held = h;
  });
  const frames = new RequestFrames();
  try {
    if (input.edge === 'stream' && 'points' in input) {
      for await (const points of input.points) {
        for (const p of points) {
          frames.point(p);
          if (frames.bytes >= CHUNK_BYTES) await send(frames);
        }
      }
    } else if ('batches' in input) {
      for await (const item of input.batches) {
        for (const b of Array.isArray(item) ? item : [item]) {
          frames.batch(b);
          if (frames.bytes >= CHUNK_BYTES) await send(frames);
        }
      }
    }
    if (frames.bytes > 0) await send(frames);
    port?.postMessage({ done: { held: held() } });
  } catch (err) {
    // What was read before the error is still sent, then the error.
    if (frames.bytes > 0) await send(frames);
    const e = err as Error & { code?: string; line?: number };
    port?.postMessage({ error: { name: e.name, message: e.message, code: e.code, line: e.line, replay: err instanceof ReplayError } });
  }
}

void run();
