#!/usr/bin/env node
// `npm run bench`: builds the load driver and the peer UDFs, runs every UDF of
// ours and every peer in turn through the same driver, and prints one table
// (points/s, ratio to Kapacitor's Go agent, ratio to the frame-echo limit,
// peak RSS), plus the memory and latency checks against their targets. The
// table is also written to bench/results/<UTC time>.md and latest.md.
//
// Plain Node on purpose: it must run before (and without) any TypeScript build.
// One module per part: settings.js (environment), build.js (driver, peers,
// our build), rows.js (the UDFs; rows of other files register there),
// drive.js (one driver run), throughput.js (the bulk table), checks.js
// (memory, latency), kapacitor-like.js, kapacitord.js, multicore.js, and
// report.js / format.js (markdown).
// Settings (environment):
//   BENCH_RUNS        runs per row, the figure is their median (default 5)
//   BENCH_POINTS      points per run for every row (default: sized per row so a
//                     run lasts about BENCH_SECONDS)
//   BENCH_SECONDS     target length of one run when sizing (default 2; at least 100,000 points)
//   BENCH_WARMUP      points sent and echoed over the same process/connection before
//                     each measured window, every throughput row alike (default 100,000)
//   BENCH_MEM_POINTS  points pushed in the memory check (default 5,000,000)
//   BENCH_MEM_RATE    slow reader's bytes/s in the memory check (default 25e6)
//   BENCH_LATENCY     single-point round trips a row a round in the latency check (default 1500)
//   BENCH_LATENCY_ROUNDS  rounds of the latency check, round trips pooled per row (default 4)
//   BENCH_LATENCY_WARMUP  points delivered unpaced before a latency run (default 20,000)
//   BENCH_ONLY        comma-separated row ids to run (e.g. "ours-mirror-socket,go-mirror";
//                     "multicore" for the CPU-heavy in-thread vs --workers rows;
//                     "kapacitor-like" for the Kapacitor-like delivery section, whose
//                     own settings are in kapacitor-like.js; "kapacitord" for the
//                     end-to-end section, settings in kapacitord.js)
// Flag: --kapacitord   build kapacitord for the end-to-end section if it is not cached
//   BENCH_MC_POINTS   points per connection in the multi-core rows (default 50,000)
//   BENCH_NO_BUILD=1  don't run `npm run build` when our build output is missing
//   BENCH_CACHE       where built peers live (default ~/.cache/kapacitor-udf-bench)

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BENCH, CACHE, CLI, ROOT, RUNS, BUILD_KAPACITORD, ONLY, wanted, intEnv, log } = require('./settings');
const { buildGo, kapacitorDir, setupPython, checkOurs } = require('./build');
const { rows } = require('./rows');
const { drive } = require('./drive');
const { measureThroughputRows } = require('./throughput');
const { measureMemory, measureLatency } = require('./checks');
const { measureKapacitorLike, reportKapacitorLike } = require('./kapacitor-like');
const { measureKapacitord, reportKapacitord } = require('./kapacitord');
const { measureMulticore, reportMulticore } = require('./multicore');
const { report } = require('./report');
const { buildFloor } = require('./floor');
const { measureReplay } = require('./replay');

async function main() {
  const started = new Date();
  const startLoad = os.loadavg()[0];
  const go = buildGo();
  let py;
  try {
    py = setupPython(kapacitorDir());
  } catch (err) {
    py = { missing: err.message.split('\n')[0] };
  }
  if (py.missing) log(`Python agent peer skipped: ${py.missing}`);
  const ours = checkOurs();
  if (ours.note) log(ours.note);

  const all = rows({ go, py, ours });
  const results = new Map();
  const selected = [];
  for (const row of all) {
    if (row.throughput === false || (ONLY && !ONLY.has(row.id))) continue;
    if (row.missing) {
      results.set(row.id, { error: row.missing });
      log(`${row.id}: ${row.missing}`);
      continue;
    }
    selected.push(row);
  }
  await measureThroughputRows(go.driver, selected, results);
  // Replay: udf-run --replay over a stream recording, beside the mirror's full-speed row.
  const replaySection = await measureReplay({
    root: ROOT,
    cli: CLI,
    cache: CACHE,
    results,
    wanted: (id) => !ONLY || ONLY.has(id),
    runs: RUNS,
    intEnv,
    log,
  });

  const memory = await measureMemory(go.driver, all);

  // Kapacitor-like delivery: fixed offered rates, cost per point from /proc.
  const kapacitorLike = await measureKapacitorLike({
    all,
    wanted: (id) => wanted(id, 'kapacitor-like'),
    drive: (row, flags) => drive(go.driver, row, flags),
    intEnv,
    log,
  });

  const latency = await measureLatency(go.driver, all);

  const multicore = await measureMulticore(go.driver, ours);

  // End to end: the same tasks through a real kapacitord (cached by e2e/).
  let kapacitord = null;
  if (wanted('kapacitord')) {
    try {
      kapacitord = await measureKapacitord({
        root: ROOT,
        goPeers: go.peers,
        floor: buildFloor(),
        cli: CLI,
        build: BUILD_KAPACITORD,
        log,
        intEnv,
      });
      if (kapacitord.skipped) log(`kapacitord section skipped: ${kapacitord.skipped}`);
    } catch (err) {
      kapacitord = { skipped: `failed: ${err.message}` };
      log(`kapacitord section FAILED: ${err.message}`);
    }
  }

  const klTargets = [];
  const klSection = reportKapacitorLike(kapacitorLike, klTargets);
  const kapSection = reportKapacitord(kapacitord, klTargets);
  const md = [
    report({ all, results, memory, latency, started, startLoad, py, klTargets }),
    replaySection,
    klSection,
    kapSection,
    reportMulticore(multicore),
  ]
    .filter(Boolean)
    .join('\n');
  process.stdout.write(`\n${md}`);
  const dir = path.join(BENCH, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = started
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  fs.writeFileSync(path.join(dir, `${stamp}.md`), md);
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  log(`\nwritten to bench/results/${stamp}.md and bench/results/latest.md`);
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
