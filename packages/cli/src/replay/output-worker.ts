/**
 * Worker thread of ReplayOutput: decodes the UDF's data responses and
 * formats them (line protocol or JSON lines), so the UDF's thread only runs
 * its agent. Receives the response bytes as they came out of the agent
 * (`{ chunk }`, acknowledged one by one), sends back text to write
 * (`{ text }`, in order) and, after `{ end: true }`, `{ done }` with counts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeResponse, FrameDecoder } from '@kapacitor-udf/core';
import { ReplayOutputWriter } from './replay-output';

const port = parentPort;
if (port === null) throw new Error('output-worker runs as a worker thread only');

const TEXT_CHUNK = 256 * 1024;
let buffered: string[] = [];
let length = 0;
const writer = new ReplayOutputWriter((workerData as { format: 'lp' | 'json' }).format, {
  write: (text) => {
    buffered.push(text);
    length += text.length;
    if (length >= TEXT_CHUNK) flush();
  },
});
const decoder = new FrameDecoder({ maxMessageSize: Number.MAX_SAFE_INTEGER });

function flush(): void {
  if (length === 0) return;
  port?.postMessage({ text: buffered.join('') });
  buffered = [];
  length = 0;
}

port.on('message', (m: { chunk?: Uint8Array; end?: boolean }) => {
  try {
    if (m.chunk !== undefined) {
      for (const frame of decoder.push(m.chunk)) {
        // Data responses only (fields 16-18: a two-byte tag); the driver reads the rest.
        if (frame.length > 0 && (frame[0] & 0x80) !== 0) writer.data(decodeResponse(frame));
      }
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
