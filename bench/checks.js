'use strict';
// The memory and latency checks of `npm run bench`.

const { MEM_POINTS, MEM_RATE, LATENCY_COUNT, LATENCY_ROUNDS, LATENCY_WARMUP, wanted, log } = require('./settings');
const { drive } = require('./drive');

// Memory: a slow Kapacitor-side reader while MEM_POINTS points are pushed.
async function measureMemory(driver, all) {
  const memory = [];
  for (const id of ['ours-mirror-process', 'ours-mirror-socket']) {
    const row = all.find((r) => r.id === id);
    if (!wanted(id, 'memory')) continue;
    if (row.missing) {
      memory.push({ row, error: row.missing });
      continue;
    }
    log(`memory (${id}): ${MEM_POINTS.toLocaleString('en-US')} points, reader paused 2s then ${(MEM_RATE / 1e6).toFixed(0)} MB/s...`);
    try {
      const res = await drive(driver, row, [
        '-points',
        String(MEM_POINTS),
        '-runs',
        '1',
        '-read-pause',
        '2s',
        '-read-rate',
        String(MEM_RATE),
        '-timeout',
        '600s',
      ]);
      const r = res.runs[0];
      memory.push({ row, rssMB: r.peakRssKB / 1024, seconds: r.seconds });
      log(`memory (${id}): peak RSS ${(r.peakRssKB / 1024).toFixed(1)} MB`);
    } catch (err) {
      memory.push({ row, error: `failed: ${err.message}` });
      log(`memory (${id}): FAILED: ${err.message}`);
    }
  }
  return memory;
}

// Latency: one point at a time, 1 ms apart, each written as Kapacitor
// writes it (length prefix and body as two writes). Rows run in rounds
// (LATENCY_ROUNDS), every row once a round, so that ours and the Go agent's
// share the machine's moments; a row's round trips are pooled over the
// rounds before the percentiles are taken. Each pair compares ours with the
// Go agent over the same transport (the Go mirror is a socket server only,
// so the process pair is movingAvg and moving_avg); the floor peer and our
// process mirror are context.
const LATENCY_ROWS = [
  'floor-socket',
  'ours-mirror-socket',
  'go-mirror',
  'floor-process',
  'ours-moving-avg',
  'go-moving-avg',
  'ours-mirror-process',
];
const LATENCY_PAIRS = [
  ['ours-mirror-socket', 'go-mirror'],
  ['ours-moving-avg', 'go-moving-avg'],
];

function quantiles(samples) {
  const v = [...samples].sort((a, b) => a - b);
  return (q) => v[Math.floor(q * (v.length - 1))];
}

/**
 * Percentiles of the pooled round trips, and where the tail came from: the
 * driver reads, around each round trip, how long the UDF's threads and its
 * own threads waited for a CPU (schedstat run delay). "own" is a round trip
 * less those waits (an estimate: a wait read around a round trip may include
 * a little just outside it); `waitedShare` is the share of the round trips
 * above p99 that spent at least half their time waiting for a CPU.
 */
function percentiles(samples, delays) {
  const at = quantiles(samples);
  const out = { count: samples.length, medianUs: at(0.5), p90Us: at(0.9), p99Us: at(0.99), p999Us: at(0.999), maxUs: at(1), minUs: at(0) };
  if (delays.length === samples.length && delays.length > 0) {
    const own = quantiles(samples.map((rtt, i) => Math.max(0, rtt - delays[i])));
    out.ownP99Us = own(0.99);
    out.ownP999Us = own(0.999);
    const tail = samples.map((rtt, i) => [rtt, delays[i]]).filter(([rtt]) => rtt > out.p99Us);
    out.waitedShare = tail.length ? tail.filter(([rtt, d]) => d >= rtt / 2).length / tail.length : NaN;
  }
  return out;
}

async function measureLatency(driver, all) {
  const cells = [];
  for (const id of LATENCY_ROWS) {
    const row = all.find((r) => r.id === id);
    if (!row || !wanted(id, 'latency')) continue;
    cells.push(row.missing ? { row, error: row.missing } : { row, samples: [], delays: [] });
  }
  for (let round = 1; round <= LATENCY_ROUNDS; round++) {
    for (const cell of cells) {
      if (cell.error) continue;
      const id = cell.row.id;
      log(`latency (${id}), round ${round} of ${LATENCY_ROUNDS}: ${LATENCY_COUNT} round trips...`);
      try {
        const res = await drive(driver, cell.row, [
          '-latency',
          String(LATENCY_COUNT),
          '-latency-samples',
          '-warmup',
          String(LATENCY_WARMUP),
          '-interval',
          '1ms',
          '-delivery',
          'kapacitor',
        ]);
        cell.samples.push(...res.latency.samplesUs);
        // The UDF's and the driver's wait for a CPU: neither is the UDF's own time.
        const { runDelayUs = [], driverDelayUs = [] } = res.latency;
        cell.delays.push(...runDelayUs.map((d, i) => d + (driverDelayUs[i] || 0)));
        const l = res.latency;
        log(
          `  median ${(l.medianUs / 1000).toFixed(3)} ms, p99 ${(l.p99Us / 1000).toFixed(3)}, p99.9 ${(l.p999Us / 1000).toFixed(3)}, max ${(l.maxUs / 1000).toFixed(3)}`,
        );
      } catch (err) {
        cell.error = `failed: ${err.message}`;
        log(`  FAILED: ${err.message}`);
      }
    }
  }
  return cells.map((c) => (c.error ? { row: c.row, error: c.error } : { row: c.row, ...percentiles(c.samples, c.delays) }));
}

module.exports = { measureMemory, measureLatency, LATENCY_PAIRS };
