#!/usr/bin/env node
// The Node frame-echo peer: splits stdin into UDF frames (uvarint length +
// body) and writes every complete frame straight back to stdout. It decodes
// nothing, so its rate is what Node's pipes allow a UDF at best; the bench
// reports every Node UDF as a percentage of it.
'use strict';

let pending = null; // bytes of an incomplete frame carried to the next chunk

// Returns how many leading bytes of buf are whole frames.
function wholeFrames(buf) {
  let pos = 0;
  for (;;) {
    let size = 0;
    let shift = 0;
    let at = pos;
    for (;;) {
      if (at >= buf.length) return pos;
      const byte = buf[at++];
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 63) throw new Error('frame length varint is too long');
    }
    if (at + size > buf.length) return pos;
    pos = at + size;
  }
}

process.stdin.on('data', (chunk) => {
  const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
  const end = wholeFrames(buf);
  pending = end < buf.length ? buf.subarray(end) : null;
  if (end > 0 && !process.stdout.write(buf.subarray(0, end))) {
    // Backpressure: stop reading until the reader has caught up.
    process.stdin.pause();
    process.stdout.once('drain', () => process.stdin.resume());
  }
});
process.stdin.on('end', () => {
  if (pending) process.stderr.write('frame-echo: input ended in the middle of a frame\n');
  process.stdout.end();
});
