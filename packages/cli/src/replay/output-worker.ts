/**
 * Worker thread of ReplayOutput: formats the UDF's data responses (line
 * protocol or JSON lines), so the UDF's thread only runs its agent. Receives
 * the response bytes as they came out of the agent (`{ chunk }`,
 * acknowledged one by one), sends back the output bytes to write
 * (`{ bytes, length }`, a transferred buffer, in order) and, after
 * `{ end: true }`, `{ done }` with counts.
 *
 * A stream point in line protocol is written from its frame's bytes straight
 * into the output buffer (writePointLine); anything else is decoded by core
 * and formatted as text (ReplayOutputWriter), into the same buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeResponse, FrameDecoder } from '@kapacitor-udf/core';
import { writePointLine } from './point-line-bytes';
import { ReplayOutputWriter } from './replay-output';

const port = parentPort;
if (port === null) throw new Error('output-worker runs as a worker thread only');

const OUT_BYTES = 256 * 1024;
// Not from Node's shared pool: the whole ArrayBuffer is transferred.
let out = Buffer.allocUnsafeSlow(OUT_BYTES);
let at = 0;

function flush(): void {
  if (at === 0) return;
  port?.postMessage({ bytes: out.buffer, length: at }, [out.buffer as ArrayBuffer]);
  out = Buffer.allocUnsafeSlow(OUT_BYTES);
  at = 0;
}

const format = (workerData as { format: 'lp' | 'json' }).format;
const writer = new ReplayOutputWriter(format, {
  write: (text) => {
    const size = Buffer.byteLength(text);
    if (size > out.length - at) flush();
    if (size > out.length) {
      const big = Buffer.from(text);
      port?.postMessage({ bytes: big.buffer, length: big.length, offset: big.byteOffset });
      return;
    }
    at += out.write(text, at);
  },
});
const decoder = new FrameDecoder({ maxMessageSize: Number.MAX_SAFE_INTEGER });
const direct = format === 'lp';

port.on('message', (m: { chunk?: Uint8Array; end?: boolean }) => {
  try {
    if (m.chunk !== undefined) {
      for (const frame of decoder.push(m.chunk)) {
        // Data responses only (fields 16-18: a two-byte tag); the driver reads the rest.
        if (frame.length === 0 || (frame[0] & 0x80) === 0) continue;
        if (direct && !writer.inBatch) {
          if (out.length - at < frame.length + 64) flush();
          const next = writePointLine(frame, 0, frame.length, out, at);
          if (next !== -1) {
            at = next;
            writer.points++;
            continue;
          }
        }
        writer.data(decodeResponse(frame));
        if (at >= OUT_BYTES - 4096) flush();
      }
      if (at >= OUT_BYTES / 2) flush();
      port.postMessage({ ack: 1 });
    } else if (m.end) {
      flush();
      port.postMessage({ done: { points: writer.points, batches: writer.batches } });
    }
  } catch (err) {
    flush();
    const e = err as Error & { code?: string };
    port.postMessage({ error: { message: e.message, code: e.code } });
  }
});
