#!/usr/bin/env node
// The "plain ts-proto" peer: a stream mirror UDF over stdin/stdout that
// decodes every Request with the ts-proto generated codec of packages/core and
// encodes every Response with it, with no other optimisation. It shows what a
// straightforward Node UDF costs, for context next to ours.
'use strict';

const path = require('node:path');

const generated = path.join(__dirname, '..', '..', 'packages', 'core', 'dist', 'generated', 'udf.js');
let codec;
try {
  codec = require(generated);
} catch (err) {
  process.stderr.write(`tsproto-mirror: cannot load ${generated} (${err.message}): run npm run build\n`);
  process.exit(1);
}
const { Request, Response } = codec;

function frame(body) {
  const head = [];
  let n = body.length;
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  head.push(n);
  return [Buffer.from(head), Buffer.from(body.buffer, body.byteOffset, body.length)];
}

function respond(req) {
  const msg = req.message;
  if (!msg) return undefined;
  switch (msg.$case) {
    case 'info':
      return { message: { $case: 'info', value: { wants: 0, provides: 0, options: {} } } };
    case 'init':
      return { message: { $case: 'init', value: { success: true, error: '' } } };
    case 'keepalive':
      return { message: { $case: 'keepalive', value: { time: msg.value.time } } };
    case 'snapshot':
      return { message: { $case: 'snapshot', value: { snapshot: new Uint8Array(0) } } };
    case 'restore':
      return { message: { $case: 'restore', value: { success: true, error: '' } } };
    case 'point':
      return { message: { $case: 'point', value: msg.value } };
    default:
      return { message: { $case: 'error', value: { error: `tsproto-mirror handles streams only, got ${msg.$case}` } } };
  }
}

let pending = null;
process.stdin.on('data', (chunk) => {
  const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
  const out = [];
  let pos = 0;
  for (;;) {
    let size = 0;
    let shift = 0;
    let at = pos;
    let complete = false;
    while (at < buf.length) {
      const byte = buf[at++];
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) {
        complete = true;
        break;
      }
    }
    if (!complete || at + size > buf.length) break;
    const res = respond(Request.decode(buf.subarray(at, at + size)));
    pos = at + size;
    if (res) out.push(...frame(Response.encode(res).finish()));
  }
  pending = pos < buf.length ? buf.subarray(pos) : null;
  if (out.length > 0 && !process.stdout.write(Buffer.concat(out))) {
    process.stdin.pause();
    process.stdout.once('drain', () => process.stdin.resume());
  }
});
process.stdin.on('end', () => process.stdout.end());
