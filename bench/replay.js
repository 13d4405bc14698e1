'use strict';
// The replay row of `npm run bench`: `udf-run mirror --replay FILE` over a
// stream recording of BENCH_REPLAY_POINTS points (default 1,000,000; the
// telegraf cpu shape of the other rows: 3 tags, 2 double fields, 100 series),
// gunzip, parsing, the agent and line-protocol output to /dev/null included,
// compared with the mirror's full-speed row (`ours-mirror-process`, the agent
// fed pre-encoded frames by the driver) as a ratio. Target: >= 50%.
//
// The recording is written once into the bench cache in Kapacitor's own
// format (packages/replay formatStreamRecording). The figure is the rate
// udf-run reports for the replay itself (its summary line: from the first
// request to the last output byte; Node's startup and module loading are
// outside it), the median of BENCH_RUNS runs. Run only this row and the
// mirror row with BENCH_ONLY=ours-mirror-process,replay.

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROW_ID = 'replay';

function recordingFile({ root, cache, points, log }) {
  const file = path.join(cache, `replay-cpu-${points}.srpl`);
  if (fs.existsSync(file)) return file;
  const { formatStreamRecording } = require(path.join(root, 'packages', 'replay', 'dist'));
  const { createPoint } = require(path.join(root, 'packages', 'core', 'dist'));
  log(`replay: writing a ${points.toLocaleString('en-US')}-point stream recording to ${file}...`);
  function* generate() {
    for (let i = 0; i < points; i++) {
      const s = i % 100;
      yield {
        ...createPoint(),
        name: 'cpu',
        database: 'telegraf',
        retentionPolicy: 'autogen',
        tags: { cpu: `cpu${s % 8}`, host: `host${s}`, region: `region${s % 4}` },
        fieldsDouble: { usage_idle: 90 + (i % 97) / 10, usage_user: (i % 53) / 7 },
        time: 1700000000000000000n + BigInt(i) * 1000000n,
      };
    }
  }
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, formatStreamRecording(generate()));
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

function runOnce({ root, cli, file }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync('/dev/null', 'w');
    const child = spawn(process.execPath, [cli, 'mirror', '--replay', file], {
      cwd: path.join(root, 'examples', 'mirror'),
      stdio: ['ignore', out, 'pipe'],
    });
    fs.closeSync(out);
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /replayed (\d+) points through \S+ in ([\d.]+)s/.exec(err);
      if (code !== 0 || m === null) reject(new Error(`udf-run --replay exited ${code}: ${err.trim().split('\n').pop()}`));
      else resolve({ points: Number(m[1]), seconds: Number(m[2]) });
    });
  });
}

/** Runs the row when wanted; returns its report section (markdown) or null. */
async function measureReplay({ root, cli, cache, results, wanted, runs, intEnv, log }) {
  if (!wanted(ROW_ID)) return null;
  const points = intEnv('BENCH_REPLAY_POINTS', 1_000_000);
  const rates = [];
  let error;
  try {
    const file = recordingFile({ root, cache, points, log });
    for (let i = 0; i < runs; i++) {
      const r = await runOnce({ root, cli, file });
      rates.push(r.points / r.seconds);
      log(`replay: run ${i + 1}: ${Math.round(r.points / r.seconds).toLocaleString('en-US')} points/s (${r.seconds}s)`);
    }
  } catch (err) {
    error = err.message;
    log(`replay: FAILED: ${error}`);
  }
  const mirror = results.get('ours-mirror-process');
  const full = mirror && Number.isFinite(mirror.rate) ? mirror.rate : NaN;
  const sorted = [...rates].sort((a, b) => a - b);
  const rate = sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
  const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
  const ratio = rate / full;
  const lines = [
    '## Replay (`udf-run mirror --replay`, stream recording)',
    '',
    `- ${points.toLocaleString('en-US')} points, Kapacitor's .srpl format (gzip), output line protocol to /dev/null; median of ${rates.length} runs`,
    '- the recording is read straight into request frames on a worker thread, the output written from the response bytes on another, the agent on the main thread',
    '',
    '| row | points/s | of the mirror full-speed row |',
    '|---|---:|---:|',
    `| udf-run mirror --replay | ${error ? `failed: ${error.replace(/\|/g, '\\|')}` : fmt(rate)} | ${Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)}%` : '—'} |`,
    `| ours: mirror, process (full speed, above) | ${fmt(full)} | 100% |`,
    '',
    `Target: replay >= 50% of the full-speed row: ${Number.isFinite(ratio) ? (ratio >= 0.5 ? 'PASS' : 'FAIL') : 'not measured (run the ours-mirror-process row too)'}`,
    '',
  ];
  return lines.join('\n');
}

module.exports = { measureReplay };
