// Throughput of a mirror UDF through the real Agent: N pre-encoded point
// frames (3 tags, 2 double fields, ~150 bytes) written to a PassThrough,
// every response frame counted on the other side.
// Run: npm run build && node packages/core/bench/mirror.js [points]
'use strict';
const { PassThrough } = require('node:stream');
const { Agent, encodeFrame, encodeRequest, FrameDecoder, silentLogger } = require('../dist');

const N = Number(process.argv[2] || 1_000_000);
const hosts = ['server01', 'server02', 'server03', 'server04'];
const frames = [];
for (let i = 0; i < 1000; i++) {
  frames.push(
    encodeFrame(
      encodeRequest({
        message: {
          $case: 'point',
          value: {
            time: 1700000000000000000n + BigInt(i) * 1000000000n,
            name: 'cpu',
            database: 'telegraf',
            retentionPolicy: 'autogen',
            group: `cpu=cpu-total,host=${hosts[i % 4]}`,
            dimensions: ['cpu', 'host'],
            tags: { cpu: 'cpu-total', host: hosts[i % 4], region: 'us-west' },
            fieldsDouble: { usage_idle: 90.25 + i, usage_user: 3.5 + i / 7 },
            fieldsInt: {},
            fieldsString: {},
            fieldsBool: {},
            byName: false,
          },
        },
      }),
    ),
  );
}
const frameSize = frames[0].length;
// 64 KiB input chunks, like a socket or pipe delivers.
const chunks = [];
{
  const all = Buffer.concat(frames);
  for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
}
const perRound = frames.length;

async function main() {
  const input = new PassThrough({ highWaterMark: 1 << 20 });
  const output = new PassThrough({ highWaterMark: 1 << 20 });
  const agent = new Agent({
    input,
    output,
    logger: silentLogger,
    handler: (e) => ({
      info: () => ({ wants: 0, provides: 0, options: {} }),
      init: () => ({ success: true, error: '' }),
      snapshot: () => ({ snapshot: Buffer.alloc(0) }),
      restore: () => ({ success: true, error: '' }),
      beginBatch: (b) => e.beginBatch(b),
      point: (p) => e.point(p),
      endBatch: (x) => e.endBatch(x),
      stop: () => undefined,
    }),
  });
  let received = 0;
  const decoder = new FrameDecoder();
  const count = () => {
    received++;
  };
  output.on('data', (c) => decoder.feed(c, count));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const done = agent.start();
  const rounds = Math.ceil(N / perRound);
  for (let r = 0; r < rounds; r++) {
    for (const c of chunks) {
      if (!input.write(c)) await new Promise((res) => input.once('drain', res));
    }
  }
  input.end();
  await done;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const n = rounds * perRound;
  if (received !== n) throw new Error(`sent ${n} points, got ${received} back`);
  console.log(
    `${n} points of ${frameSize} bytes in ${secs.toFixed(2)} s: ${Math.round(n / secs).toLocaleString('en')} points/s (mirror through Agent, PassThrough both ways); ` +
      `${Math.round(n / cpuSecs).toLocaleString('en')} points per CPU-second (wall time depends on machine load)`,
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
