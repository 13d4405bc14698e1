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

const ROW_IDS = [
  'ours-mirror-socket',
  'ours-mirror-process',
  'go-mirror',
  'py-mirror',
  'ours-moving-avg',
  'go-moving-avg',
  'py-moving-avg',
];

// Targets from the performance issue, at an offered 50k points/s.
const TARGET_RATE = 50000;
const TARGET_CPU_FRACTION = 1 / 6; // our CPU per point <= 1/6 of the Go agent's
const TARGET_WRITES_PER_POINT = 0.02; // under sustained load

// Python's socket calls are recvfrom/sendto, which /proc/PID/io does not
// count (it counts read/write-family calls: Node and Go use read and write on
// sockets): these rows show no syscall figures.
const IO_NOT_COUNTED = new Set(['py-mirror']);

// Which Go agent row ours is compared with (the Go mirror is a socket server only).
const PEER = {
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
  const rows = ROW_IDS.map((id) => all.find((r) => r.id === id)).filter((r) => r && wanted(r.id));
  const cells = new Map(); // `${id}@${rate}` -> { runs: [], error }
  const key = (id, rate) => `${id}@${rate}`;
  for (const row of rows) {
    for (const rate of cfg.rates) {
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
        if (cell.error) continue;
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

/** Markdown for the section; `targets` receives its target lines ({ label, measured, ok }). */
function reportKapacitorLike(result, targets) {
  if (!result) return '';
  const { cfg, rows, cells, key } = result;
  const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const lines = [];
  lines.push('## Kapacitor-like delivery');
  lines.push('');
  lines.push(
    'Each frame written as Kapacitor writes it (`udf/agent.WriteMessage`: the length prefix, then the body, two writes, one point at a time; ' +
      "map entries in random order), at fixed offered rates and at full speed. The UDF process's cost in the measured window from /proc: " +
      'CPU µs per point (utime + stime, all threads), read and write system calls per point (`/proc/PID/io`). ' +
      `${cfg.runs} rounds; figures are medians; a run at a fixed rate lasts ${cfg.seconds} s, a full-speed run ${cfg.fullPoints.toLocaleString('en-US')} points, ` +
      `each after ${cfg.warmup.toLocaleString('en-US')} warm-up points delivered the same way.`,
  );
  lines.push('');
  lines.push('| UDF | transport | offered | achieved points/s | CPU µs/point | reads/point | writes/point |');
  lines.push('|---|---|---|---:|---:|---:|---:|');
  for (const rate of cfg.rates) {
    for (const row of rows) {
      const cell = cells.get(key(row.id, rate));
      if (cell.error) {
        lines.push(`| ${row.label} | ${row.transport} | ${rateLabel(rate)} | ${cell.error.split('\n')[0].replace(/\|/g, '\\|')} | | | |`);
        continue;
      }
      const s = summarize(cell);
      if (!s) continue;
      const io = IO_NOT_COUNTED.has(row.id) ? 'n/a¹ | n/a¹' : `${fmt(s.reads, 3)} | ${fmt(s.writes, 3)}`;
      lines.push(
        `| ${row.label} | ${row.transport} | ${rateLabel(rate)} | ${Math.round(s.rate).toLocaleString('en-US')} | ${fmt(s.cpu, 2)} | ${io} |`,
      );
    }
  }
  lines.push('');
  if (rows.some((r) => IO_NOT_COUNTED.has(r.id))) {
    lines.push("¹ Python's sockets use recvfrom/sendto, which `/proc/PID/io` does not count.");
    lines.push('');
  }

  // Our CPU per point / the Go agent's, per round (median of the per-round ratios).
  if (cfg.rates.includes(TARGET_RATE)) {
    for (const [id, peerId] of Object.entries(PEER)) {
      const ours = cells.get(key(id, TARGET_RATE));
      const peer = cells.get(key(peerId, TARGET_RATE));
      if (!ours || !peer) continue;
      const label = `CPU per point at ${rateLabel(TARGET_RATE)}, Kapacitor-like: ${rows.find((r) => r.id === id).label.replace(/\*/g, '')} (${rows.find((r) => r.id === id).transport}) ≤ 1/6 of the Go agent's`;
      const a = summarize(ours);
      const b = summarize(peer);
      if (!a || !b) {
        targets.push({ label, measured: (ours.error || peer.error || 'no figures').split('\n')[0], ok: null });
        continue;
      }
      const n = Math.min(a.cpus.length, b.cpus.length);
      const ratio = median(Array.from({ length: n }, (_, i) => a.cpus[i] / b.cpus[i]));
      targets.push({
        label,
        measured: Number.isFinite(ratio) ? `1/${(1 / ratio).toFixed(1)} (${fmt(a.cpu, 2)} vs ${fmt(b.cpu, 2)} µs)` : 'no /proc figures',
        ok: Number.isFinite(ratio) ? ratio <= TARGET_CPU_FRACTION : null,
      });
    }
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
