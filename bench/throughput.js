'use strict';
// The bulk throughput table: every selected row sized, then measured in
// rounds (frames written in 64 KiB runs: the UDF measured alone).

const { RUNS, FIXED_POINTS, TARGET_SECONDS, MIN_POINTS, WARMUP, log, median } = require('./settings');
const { drive } = require('./drive');
const { fmtRate } = require('./format');

// A row's size: a calibration run sizes the measured runs so that each lasts
// about TARGET_SECONDS (never below MIN_POINTS).
async function calibrate(driver, row) {
  if (FIXED_POINTS) return FIXED_POINTS;
  const round = row.batch ? 1000 : 1;
  const cal = await drive(driver, row, ['-points', String(MIN_POINTS), '-warmup', String(WARMUP), '-runs', '1', '-timeout', '300s']);
  const rate = cal.runs[0].pointsPerSec;
  return Math.min(3_000_000, Math.max(MIN_POINTS, Math.round((rate * TARGET_SECONDS) / round) * round));
}

// One measured run of a row. UDFs are long-running processes, so every run
// of every row (peers too) first sends WARMUP points over the same process or
// connection and waits for them to come back; the clock starts after that,
// so JIT warm-up and process start are outside it.
async function runOnce(driver, row, points) {
  const res = await drive(driver, row, ['-points', String(points), '-warmup', String(WARMUP), '-runs', '1', '-timeout', '300s']);
  return { run: res.runs[0], bytesPerPoint: res.bytesPerPoint };
}

// Throughput rows are measured in rounds: round k runs every row once, so
// the k-th runs of all rows are minutes apart at most and share the
// machine's conditions of the moment (this 2-core machine is shared and its
// speed drifts by tens of percent). A row's figure is the median of its
// runs; a target ratio is the median of the per-round ratios.
async function measureThroughputRows(driver, selected, results) {
  const sized = [];
  for (const row of selected) {
    log(`${row.id}: sizing...`);
    try {
      sized.push({ row, points: await calibrate(driver, row), runs: [], bytesPerPoint: undefined });
    } catch (err) {
      results.set(row.id, { error: `failed: ${err.message}` });
      log(`${row.id}: FAILED: ${err.message}`);
    }
  }
  for (let round = 1; round <= RUNS; round++) {
    log(`round ${round} of ${RUNS}...`);
    for (const m of sized) {
      if (m.failed) continue;
      try {
        const { run, bytesPerPoint } = await runOnce(driver, m.row, m.points);
        m.runs.push(run);
        m.bytesPerPoint = bytesPerPoint;
        log(`  ${m.row.id}: ${fmtRate(run.pointsPerSec)} points/s`);
      } catch (err) {
        m.failed = true;
        results.set(m.row.id, { error: `failed: ${err.message}` });
        log(`  ${m.row.id}: FAILED: ${err.message}`);
      }
    }
  }
  for (const m of sized) {
    if (m.failed) continue;
    const r = {
      points: m.points,
      rate: median(m.runs.map((x) => x.pointsPerSec)),
      rates: m.runs.map((x) => x.pointsPerSec),
      rssMB: median(m.runs.map((x) => x.peakRssKB / 1024)),
      // The UDF's CPU per point (/proc): steadier than points/s on a loaded machine.
      cpus: m.runs.map((x) => (x.udf ? x.udf.cpuUsPerPoint : NaN)),
      cpu: median(m.runs.map((x) => (x.udf ? x.udf.cpuUsPerPoint : NaN))),
      pointsBack: m.runs[0].pointsBack,
      batchesBack: m.runs[0].batchesBack,
      bytesPerPoint: m.bytesPerPoint,
    };
    results.set(m.row.id, r);
    log(`${m.row.id}: ${fmtRate(r.rate)} points/s (runs: ${r.rates.map(fmtRate).join(', ')}), peak RSS ${r.rssMB.toFixed(1)} MB`);
  }
}

module.exports = { measureThroughputRows };
