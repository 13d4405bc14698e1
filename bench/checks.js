'use strict';
// The memory and latency checks of `npm run bench`.

const { MEM_POINTS, MEM_RATE, LATENCY_COUNT, wanted, log } = require('./settings');
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
// writes it (length prefix and body as two writes).
async function measureLatency(driver, all) {
  const latency = [];
  for (const id of ['ours-mirror-socket', 'ours-mirror-process', 'go-mirror']) {
    const row = all.find((r) => r.id === id);
    if (!wanted(id, 'latency')) continue;
    if (row.missing) {
      latency.push({ row, error: row.missing });
      continue;
    }
    log(`latency (${id}): ${LATENCY_COUNT} round trips...`);
    try {
      const res = await drive(driver, row, ['-latency', String(LATENCY_COUNT), '-interval', '1ms', '-delivery', 'kapacitor']);
      latency.push({ row, ...res.latency });
      log(`latency (${id}): median ${(res.latency.medianUs / 1000).toFixed(3)} ms`);
    } catch (err) {
      latency.push({ row, error: `failed: ${err.message}` });
      log(`latency (${id}): FAILED: ${err.message}`);
    }
  }
  return latency;
}

module.exports = { measureMemory, measureLatency };
