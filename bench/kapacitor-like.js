'use strict';
// The Kapacitor-like delivery section of `npm run bench`: every UDF fed the
// way Kapacitor's UDF node feeds it (each frame written as two writes, the
// length prefix then the body, one point at a time; frames with Kapacitor's
// random map entry order) at fixed offered rates and at full speed, with the
// UDF process's own cost read from /proc: CPU µs per point (utime + stime of
// all its threads), read and write system calls per point (/proc/PID/io).
//
// At these rates a UDF is woken up for a point or two at a time, so what it
// pays per wake-up (event loop turn, read, stream callbacks, write) matters
// as much as its codec; the bulk rows above measure the codec.
//
// Settings (environment):
//   BENCH_KL_RATES    offered rates, points/s, comma-separated; "full" = as fast
//                     as the UDF takes them (default 20000,50000,100000,full)
//   BENCH_KL_SECONDS  length of a run at a fixed rate (default 3)
//   BENCH_KL_FULL_POINTS  points of a full-speed run (default 150,000)
//   BENCH_KL_RUNS     rounds (default 3); a figure is the median of the runs
//   BENCH_KL_WARMUP   points before each measured window, same delivery, unpaced (default 20,000)
//   BENCH_KL_ROWS     comma-separated row ids: run only these rows of the section

const ROW_IDS = [
  'floor-socket',
  'floor-process',
  'ours-mirror-socket',
  'ours-mirror-socket-metrics',
  'ours-mirror-process',
  'go-mirror',
  'py-mirror',
  'ours-moving-avg',
  'go-moving-avg',
  'py-moving-avg',
];

// Targets from the performance issues: CPU per point at most 1.5x the
// floor peer's (same transport) at 20k and 50k points/s; write batching
// from 50k points/s up.
const FLOOR_RATES = [20000, 50000];
const TARGET_VS_FLOOR = 1.5;
const FLOOR_TARGET_ROWS = ['ours-mirror-socket', 'ours-moving-avg'];
const TARGET_RATE = 50000;
const TARGET_WRITES_PER_POINT = 0.02; // under sustained load

// Metrics on may cost at most 5% of CPU per point (the operations issue).
const { ID: METRICS_ID, BASE_ID: METRICS_BASE_ID } = require('./metrics-row');
const METRICS_MAX_COST = 1.05;

// Which floor row a row is compared with: the same transport.
const FLOOR = { socket: 'floor-socket', process: 'floor-process' };

// Python's socket calls are recvfrom/sendto, which /proc/PID/io does not
// count (it counts read/write-family calls: Node and Go use read and write on
// sockets): these rows show no syscall figures.
const IO_NOT_COUNTED = new Set(['py-mirror']);

// Which Go agent row ours is compared with (the Go mirror is a socket server only).
const GO_PEER = {
  'ours-mirror-socket': 'go-mirror',
  'ours-mirror-process': 'go-mirror',
  'ours-moving-avg': 'go-moving-avg',
};

function settings(intEnv) {
  const rates = (process.env.BENCH_KL_RATES || '20000,50000,100000,full')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'full') return 0;
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0) {
        console.error(`BENCH_KL_RATES: ${JSON.stringify(s)} is neither a positive number of points/s nor "full"`);
        process.exit(2);
      }
      return n;
    });
  return {
    rates,
    seconds: Number(process.env.BENCH_KL_SECONDS || 3),
    fullPoints: intEnv('BENCH_KL_FULL_POINTS', 150_000),
    runs: intEnv('BENCH_KL_RUNS', 3),
    warmup: intEnv('BENCH_KL_WARMUP', 20_000),
  };
}

function rateLabel(rate) {
  return rate === 0 ? 'full speed' : `${(rate / 1000).toLocaleString('en-US')}k/s`;
}

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Runs the section: rounds, each running every (rate, row) pair once, so
 * that the two sides of a ratio are measured minutes apart at most.
 * drive(row, flags) runs the driver and returns its JSON.
 */
async function measureKapacitorLike({ all, wanted, drive, intEnv, log }) {
  const cfg = settings(intEnv);
  const only = process.env.BENCH_KL_ROWS ? new Set(process.env.BENCH_KL_ROWS.split(',').map((x) => x.trim())) : null;
  const rows = ROW_IDS.map((id) => all.find((r) => r.id === id)).filter((r) => r && wanted(r.id) && (!only || only.has(r.id)));
  const cells = new Map(); // `${id}@${rate}` -> { runs: [], error }
  const key = (id, rate) => `${id}@${rate}`;
  for (const row of rows) {
    for (const rate of cfg.rates) {
      if (row.klRates && !row.klRates.includes(rate)) continue;
      cells.set(key(row.id, rate), row.missing ? { error: row.missing } : { runs: [] });
    }
  }
  if (rows.length === 0) return null;
  for (let round = 1; round <= cfg.runs; round++) {
    log(`kapacitor-like delivery: round ${round} of ${cfg.runs}...`);
    for (const rate of cfg.rates) {
      const points = rate === 0 ? cfg.fullPoints : Math.max(1000, Math.round(rate * cfg.seconds));
      for (const row of rows) {
        const cell = cells.get(key(row.id, rate));
        if (!cell || cell.error) continue;
        const flags = [
          '-delivery',
          'kapacitor',
          '-points',
          String(points),
          '-warmup',
          String(cfg.warmup),
          '-runs',
          '1',
          '-timeout',
          '300s',
        ];
        if (rate > 0) flags.push('-rate', String(rate));
        try {
          const res = await drive(row, flags);
          const r = res.runs[0];
          cell.runs.push(r);
          log(
            `  ${row.id} @ ${rateLabel(rate)}: ${Math.round(r.pointsPerSec).toLocaleString('en-US')} points/s` +
              (r.udf
                ? `, ${r.udf.cpuUsPerPoint.toFixed(2)} µs CPU, ${r.udf.readsPerPoint.toFixed(3)} reads, ${r.udf.writesPerPoint.toFixed(3)} writes a point`
                : ''),
          );
        } catch (err) {
          cell.error = `failed: ${err.message}`;
          log(`  ${row.id} @ ${rateLabel(rate)}: FAILED: ${err.message}`);
        }
      }
    }
  }
  return { cfg, rows, cells, key };
}

function summarize(cell) {
  if (!cell || cell.error || cell.runs.length === 0) return null;
  const udf = (f) => median(cell.runs.map((r) => (r.udf ? r.udf[f] : NaN)));
  return {
    rate: median(cell.runs.map((r) => r.pointsPerSec)),
    cpu: udf('cpuUsPerPoint'),
    reads: udf('readsPerPoint'),
    writes: udf('writesPerPoint'),
    cpus: cell.runs.map((r) => (r.udf ? r.udf.cpuUsPerPoint : NaN)),
  };
}

/** Median of the per-round ratios of two cells' CPU per point (NaN without figures). */
function cpuRatio(a, b) {
  const x = summarize(a);
  const y = summarize(b);
  if (!x || !y) return NaN;
  const n = Math.min(x.cpus.length, y.cpus.length);
  return median(Array.from({ length: n }, (_, i) => x.cpus[i] / y.cpus[i]));
}

/** Markdown for the section; `targets` receives its target lines ({ label, measured, ok }). */
function reportKapacitorLike(result, targets) {
  if (!result) return '';
  const { cfg, rows, cells, key } = result;
  const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '');
  const lines = [];
  lines.push('## Kapacitor-like delivery');
  lines.push('');
  lines.push(
    'Each frame written as Kapacitor writes it (`udf/agent.WriteMessage`: the length prefix, then the body, two writes, one point at a time; ' +
      "map entries in random order), at fixed offered rates and at full speed. The UDF process's cost in the measured window from /proc: " +
      'CPU µs per point (time on a CPU of all its threads, `/proc/PID/task/*/schedstat`), read and write system calls per point (`/proc/PID/io`). ' +
      `${cfg.runs} rounds; figures are medians; a run at a fixed rate lasts ${cfg.seconds} s, a full-speed run ${cfg.fullPoints.toLocaleString('en-US')} points, ` +
      `each after ${cfg.warmup.toLocaleString('en-US')} warm-up points delivered the same way. ` +
      "× floor and × Go: the row's CPU per point over the floor peer's (same transport) and over the Go agent's doing the same job " +
      '(the Go mirror is a socket server only), medians of the per-round ratios. The floor peer (`bench/peers/floor.c`) answers the handshake and ' +
      'returns every point frame unchanged, decoding nothing; it reads up to 256 KiB at a time and writes when no more input waits.',
  );
  lines.push('');
  lines.push('| UDF | transport | offered | achieved points/s | CPU µs/point | × floor | × Go agent | reads/point | writes/point |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const rate of cfg.rates) {
    for (const row of rows) {
      const cell = cells.get(key(row.id, rate));
      if (!cell) continue;
      if (cell.error) {
        lines.push(
          `| ${row.label} | ${row.transport} | ${rateLabel(rate)} | ${cell.error.split('\n')[0].replace(/\|/g, '\\|')} | | | | | |`,
        );
        continue;
      }
      const s = summarize(cell);
      if (!s) continue;
      const io = IO_NOT_COUNTED.has(row.id) ? 'n/a¹ | n/a¹' : `${fmt(s.reads, 3)} | ${fmt(s.writes, 3)}`;
      const floorId = FLOOR[row.transport];
      const vsFloor = floorId && floorId !== row.id ? cpuRatio(cell, cells.get(key(floorId, rate))) : NaN;
      const vsGo = GO_PEER[row.id] ? cpuRatio(cell, cells.get(key(GO_PEER[row.id], rate))) : NaN;
      lines.push(
        `| ${row.label} | ${row.transport} | ${rateLabel(rate)} | ${Math.round(s.rate).toLocaleString('en-US')} | ${fmt(s.cpu, 2)} | ${fmtX(vsFloor)} | ${fmtX(vsGo)} | ${io} |`,
      );
    }
  }
  lines.push('');
  if (rows.some((r) => IO_NOT_COUNTED.has(r.id))) {
    lines.push("¹ Python's sockets use recvfrom/sendto, which `/proc/PID/io` does not count.");
    lines.push('');
  }

  // Our CPU per point / the floor's, per round (median of the per-round ratios).
  for (const rate of FLOOR_RATES.filter((r) => cfg.rates.includes(r))) {
    for (const id of FLOOR_TARGET_ROWS) {
      const row = rows.find((r) => r.id === id);
      if (!row) continue;
      const ours = cells.get(key(id, rate));
      const floor = cells.get(key(FLOOR[row.transport], rate));
      const label = `CPU per point at ${rateLabel(rate)}, Kapacitor-like: ${row.label.replace(/\*/g, '')} (${row.transport}) ≤ ${TARGET_VS_FLOOR}× the floor peer's (${row.transport})`;
      const ratio = floor ? cpuRatio(ours, floor) : NaN;
      const a = summarize(ours);
      const b = floor && summarize(floor);
      targets.push({
        label,
        measured: Number.isFinite(ratio)
          ? `${ratio.toFixed(2)}× (${fmt(a.cpu, 2)} vs ${fmt(b.cpu, 2)} µs)`
          : (ours.error || floor?.error || 'no figures (floor row not run)').split('\n')[0],
        ok: Number.isFinite(ratio) ? ratio <= TARGET_VS_FLOOR : null,
      });
    }
  }
  // Metrics on: CPU per point at 50k/s over the same server without them.
  const metricsRow = rows.find((r) => r.id === METRICS_ID);
  if (metricsRow && cfg.rates.includes(TARGET_RATE)) {
    const on = cells.get(key(METRICS_ID, TARGET_RATE));
    const off = cells.get(key(METRICS_BASE_ID, TARGET_RATE));
    const ratio = off ? cpuRatio(on, off) : NaN;
    targets.push({
      label: `CPU per point at ${rateLabel(TARGET_RATE)}, Kapacitor-like: ours mirror (socket) with \`--metrics\` ≤ ${METRICS_MAX_COST}× without`,
      measured: Number.isFinite(ratio)
        ? `${ratio.toFixed(2)}× (${fmt(summarize(on).cpu, 2)} vs ${fmt(summarize(off).cpu, 2)} µs)`
        : (on?.error || off?.error || 'no figures').split('\n')[0],
      ok: Number.isFinite(ratio) ? ratio <= METRICS_MAX_COST : null,
    });
  }
  // Write batching under sustained load: every rate from 50k/s up, and full speed.
  for (const id of ['ours-mirror-socket', 'ours-mirror-process', 'ours-moving-avg']) {
    const row = rows.find((r) => r.id === id);
    if (!row) continue;
    const worst = cfg.rates
      .filter((r) => r === 0 || r >= TARGET_RATE)
      .map((rate) => ({ rate, s: summarize(cells.get(key(id, rate))) }))
      .filter((x) => x.s && Number.isFinite(x.s.writes));
    if (worst.length === 0) continue;
    const max = worst.reduce((a, b) => (b.s.writes > a.s.writes ? b : a));
    targets.push({
      label: `write syscalls per point under sustained load (≥ ${rateLabel(TARGET_RATE)} and full speed) ≤ ${TARGET_WRITES_PER_POINT}: ${row.label.replace(/\*/g, '')} (${row.transport})`,
      measured: `${max.s.writes.toFixed(3)} (worst, at ${rateLabel(max.rate)})`,
      ok: max.s.writes <= TARGET_WRITES_PER_POINT,
    });
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { measureKapacitorLike, reportKapacitorLike, ROW_IDS };
