'use strict';
// The bench's main table and its targets: throughput rows, memory and
// latency checks, and the target lines other sections hand in.

const os = require('node:os');
const {
  ROOT,
  KAPACITOR,
  KAPACITOR_VERSION,
  RUNS,
  FIXED_POINTS,
  TARGET_SECONDS,
  WARMUP,
  MEM_POINTS,
  MEM_RATE,
  LATENCY_COUNT,
  LATENCY_ROUNDS,
  LATENCY_WARMUP,
  median,
} = require('./settings');
const { run } = require('./build');
const { LATENCY_PAIRS } = require('./checks');
const { ID: METRICS_ID, BASE_ID: METRICS_BASE_ID } = require('./metrics-row');
const { fmtRate, fmtRatio, fmtPct, mark } = require('./format');

// Targets from the performance issue.
const TARGETS = {
  mirrorVsGo: 10,
  mirrorVsEcho: 0.3,
  movingAvgVsGo: 5,
  outliersVsGo: 5,
  peakRssMB: 150,
  latencyMedianMs: 0.5,
  latencyP999VsGo: 1.5,
  metricsMinShare: 0.95,
};

function gitRev() {
  const r = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
  const dirty = run('git', ['status', '--porcelain', '--', 'packages', 'examples'], { cwd: ROOT });
  return r.ok ? `${r.out.trim()}${dirty.out.trim() ? ' (+ uncommitted changes)' : ''}` : 'unknown';
}

function versionOf(cmd, args) {
  const r = run(cmd, args);
  return r.ok ? r.out.trim().split('\n')[0] : 'unknown';
}

function report({ all, results, memory, latency, started, startLoad, py, klTargets }) {
  const get = (id) => results.get(id);
  const rate = (id) => (get(id) && Number.isFinite(get(id).rate) ? get(id).rate : NaN);
  const goByJob = { echo: rate('go-mirror'), mirror: rate('go-mirror'), moving_avg: rate('go-moving-avg'), outliers: rate('go-outliers') };
  const echo = rate('frame-echo');
  const goIdByJob = { echo: 'go-mirror', mirror: 'go-mirror', moving_avg: 'go-moving-avg', outliers: 'go-outliers' };

  const lines = [];
  lines.push(`# UDF benchmark — ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`);
  lines.push('');
  lines.push(`- commit ${gitRev()}; ${os.cpus().length} cores, load average ${startLoad.toFixed(2)} at start`);
  lines.push(`- node ${process.version}, ${versionOf('go', ['version'])}, peers from ${KAPACITOR}@${KAPACITOR_VERSION}`);
  const bpp = [...results.values()].find((r) => r.bytesPerPoint)?.bytesPerPoint;
  lines.push(
    '- frames as Kapacitor writes them: `udf/agent.WriteMessage` (plain `proto.Marshal`: map entries in random order from frame to frame); ' +
      'this table: written in 64 KiB runs (the UDF measured alone); the Kapacitor-like section below: one frame at a time, prefix and body as two writes',
  );
  lines.push(
    `- point: telegraf cpu shape (3 tags, 2 double fields, ${bpp ? `${bpp.toFixed(0)} bytes` : '~165 bytes'} a frame), 100 series; batches of 1,000 points`,
  );
  lines.push(
    `- measured in ${RUNS} rounds, each running every row once; a figure is the median of a row's runs, a target ratio the median of the per-round ratios; ` +
      `${FIXED_POINTS ? `${FIXED_POINTS.toLocaleString('en-US')} points a run` : `points a run sized for ~${TARGET_SECONDS}s per run`}, each after ${WARMUP.toLocaleString('en-US')} warm-up points over the same process/connection`,
  );
  lines.push('');
  lines.push(
    '| UDF | transport | points/s | × Go agent | % of frame-echo | CPU µs/point | Go agent CPU ÷ this | peak RSS MB | points a run |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of all) {
    const r = get(row.id);
    if (!r) continue;
    if (r.error) {
      lines.push(`| ${row.label} | ${row.transport} | ${r.error.split('\n')[0].replace(/\|/g, '\\|')} | | | | | | |`);
      continue;
    }
    const vsGo = r.rate / goByJob[row.job];
    // The Go agent's CPU per point over this row's, per round (median).
    const goId = goIdByJob[row.job];
    const goCpus = get(goId)?.cpus;
    const cpuVsGo = goCpus && r.cpus && goCpus.length === r.cpus.length ? median(r.cpus.map((c, i) => goCpus[i] / c)) : NaN;
    const cpu = Number.isFinite(r.cpu) ? r.cpu.toFixed(2) : '—';
    lines.push(
      `| ${row.label} | ${row.transport}${row.batch ? ', batch' : ''} | ${fmtRate(r.rate)} | ${fmtRatio(vsGo)} | ${fmtPct(r.rate / echo)} | ${cpu} | ${fmtRatio(cpuVsGo)} | ${r.rssMB.toFixed(1)} | ${r.points.toLocaleString('en-US')} |`,
    );
  }
  lines.push('');
  lines.push(
    '"× Go agent" compares with Kapacitor\'s Go agent doing the same job (the echo rows with its mirror). ' +
      "CPU µs/point: the UDF process's time on a CPU (/proc schedstat, all threads) per point in the measured window; " +
      '"Go agent CPU ÷ this": the median of the per-round ratios, steadier than points/s when the machine is loaded (the two processes then share the cores with others).',
  );
  if (py.missing) lines.push(`Python agent rows skipped: ${py.missing}`);
  else lines.push("Python agent: Kapacitor's agent and examples unchanged, udf_pb2.py regenerated for the current protobuf runtime.");
  lines.push('');

  lines.push('## Targets');
  lines.push('');
  lines.push('| target | measured | result |');
  lines.push('|---|---:|---|');
  // The median of the per-round ratios (see measureThroughputRows).
  const roundRatio = (id, baseId) => {
    const a = get(id)?.rates;
    const b = get(baseId)?.rates;
    if (!a || !b || a.length !== b.length) return rate(id) / rate(baseId);
    return median(a.map((x, i) => x / b[i]));
  };
  const ratioTarget = (label, id, baseId, want, pct = false) => {
    const v = roundRatio(id, baseId);
    const ok = Number.isFinite(v) ? v >= want : null;
    const shown = pct ? fmtPct(v) : fmtRatio(v);
    lines.push(
      `| ${label} | ${Number.isFinite(v) ? shown : (get(id)?.error || 'not run').split('\n')[0].replace(/\|/g, '\\|')} | ${mark(ok)} |`,
    );
  };
  ratioTarget(`mirror over a socket ≥ ${TARGETS.mirrorVsGo}× Go agent mirror`, 'ours-mirror-socket', 'go-mirror', TARGETS.mirrorVsGo);
  ratioTarget(
    `mirror over a socket ≥ ${TARGETS.mirrorVsEcho * 100}% of frame-echo`,
    'ours-mirror-socket',
    'frame-echo',
    TARGETS.mirrorVsEcho,
    true,
  );
  ratioTarget(
    `moving_avg over a process ≥ ${TARGETS.movingAvgVsGo}× Go agent moving_avg`,
    'ours-moving-avg',
    'go-moving-avg',
    TARGETS.movingAvgVsGo,
  );
  ratioTarget(
    `outliers (batches of 1,000) ≥ ${TARGETS.outliersVsGo}× Go agent outliers`,
    'ours-outliers',
    'go-outliers',
    TARGETS.outliersVsGo,
  );
  // Metrics on (the row runs only when udf-run has --metrics): full-speed
  // throughput over the same server without them, per round.
  const metrics = get(METRICS_ID);
  if (metrics) {
    const label = `mirror over a socket with \`--metrics\` ≥ ${TARGETS.metricsMinShare * 100}% of the same server without it (full speed)`;
    const v = roundRatio(METRICS_ID, METRICS_BASE_ID);
    lines.push(
      `| ${label} | ${Number.isFinite(v) ? fmtPct(v) : (metrics.error || 'not run').split('\n')[0].replace(/\|/g, '\\|')} | ${mark(Number.isFinite(v) ? v >= TARGETS.metricsMinShare : null)} |`,
    );
  }
  for (const m of memory) {
    const label = `peak RSS < ${TARGETS.peakRssMB} MB, ${MEM_POINTS.toLocaleString('en-US')} points, slow reader (mirror, ${m.row.transport})`;
    if (m.error) lines.push(`| ${label} | ${m.error.split('\n')[0].replace(/\|/g, '\\|')} | n/a |`);
    else lines.push(`| ${label} | ${m.rssMB.toFixed(1)} MB (${m.seconds.toFixed(1)}s) | ${mark(m.rssMB < TARGETS.peakRssMB)} |`);
  }
  for (const t of klTargets) lines.push(`| ${t.label} | ${t.measured.replace(/\|/g, '\\|')} | ${mark(t.ok)} |`);
  const ms = (us) => (us / 1000).toFixed(3);
  const clean = (l) => (l.error || 'not run').split('\n')[0].replace(/\|/g, '\\|');
  for (const [id, goId] of LATENCY_PAIRS) {
    const a = latency.find((l) => l.row.id === id);
    const b = latency.find((l) => l.row.id === goId);
    if (!a || !b) continue;
    const what = `${a.row.label.replace(/\*/g, '')}, ${a.row.transport}, vs ${b.row.label}`;
    if (a.error || b.error) {
      lines.push(`| p99 round trip ≤ the Go agent's p99 (${what}) | ${clean(a.error ? a : b)} | n/a |`);
      continue;
    }
    lines.push(`| p99 round trip ≤ the Go agent's p99 (${what}) | ${ms(a.p99Us)} ms vs ${ms(b.p99Us)} ms | ${mark(a.p99Us <= b.p99Us)} |`);
    lines.push(
      `| p99.9 round trip ≤ ${TARGETS.latencyP999VsGo}× the Go agent's p99.9 (${what}) | ${ms(a.p999Us)} ms vs ${ms(b.p999Us)} ms (${fmtRatio(a.p999Us / b.p999Us, 2)}) | ${mark(a.p999Us <= TARGETS.latencyP999VsGo * b.p999Us)} |`,
    );
  }
  for (const l of latency) {
    const label = `median round trip < ${TARGETS.latencyMedianMs} ms, one point at a time (${l.row.label.replace(/\*/g, '')}, ${l.row.transport})`;
    if (l.error) lines.push(`| ${label} | ${clean(l)} | n/a |`);
    else {
      const own = Number.isFinite(l.ownP999Us)
        ? `; less the UDF's and the driver's wait for a CPU: p99 ${ms(l.ownP99Us)}, p99.9 ${ms(l.ownP999Us)}; ${fmtPct(l.waitedShare)} of the round trips above p99 waited ≥ half their time for a CPU`
        : '';
      const detail = `${ms(l.medianUs)} ms (p90 ${ms(l.p90Us)}, p99 ${ms(l.p99Us)}, p99.9 ${ms(l.p999Us)}, max ${ms(l.maxUs)}; ${l.count} round trips${own})`;
      lines.push(`| ${label} | ${detail} | ${l.row.ours ? mark(l.medianUs / 1000 < TARGETS.latencyMedianMs) : 'context'} |`);
    }
  }
  lines.push('');
  lines.push(
    'Memory check: the driver reads nothing for 2 s, then at most ' +
      `${(MEM_RATE / 1e6).toFixed(0)} MB/s, while it writes as fast as the UDF accepts; peak RSS is the UDF process's VmHWM.`,
  );
  lines.push(
    `Latency check: after ${LATENCY_WARMUP.toLocaleString('en-US')} warm-up points (Kapacitor-like, unpaced: a long-running UDF's JIT is warm) and 500 warm-up round trips, each point is written alone (prefix and body as two writes, as Kapacitor does) and timed until its reply is read, 1 ms apart; the UDF's and the driver's wait for a CPU during each round trip are read from /proc (schedstat run delay) to tell the scheduler's share of the tail from the UDF's own; ${LATENCY_ROUNDS} rounds of ${LATENCY_COUNT.toLocaleString('en-US')} round trips a row, every row once a round, pooled.`,
  );
  lines.push('');
  return lines.join('\n');
}

module.exports = { report };
