'use strict';
// The multi-core section: a CPU-heavy UDF served in one thread and with
// `--workers 2`, two connections at once.

const os = require('node:os');
const path = require('node:path');
const { ROOT, BENCH, CLI, RUNS, MC_POINTS, wanted, log, median } = require('./settings');
const { startServer, driverOnce } = require('./drive');
const { fmtRate, fmtRatio } = require('./format');

const CPU_HEAVY = path.join(BENCH, 'fixtures', 'cpu-heavy-udf.js');
const MC_CONNECTIONS = 2;

// A CPU-heavy UDF (~20 µs of math a point) over MC_CONNECTIONS concurrent
// socket connections: udf-run in one thread vs udf-run --workers 2. Each
// measurement starts one driver per connection at the same moment against
// the same (warm) server; the rate is the points of all of them over the
// wall time until the last one finished, less the drivers' frame encoding
// (done before their clocks start). A driver's own clock is not used: in one
// thread, a second connection's handshake waits behind the first one's data,
// so its clock starts late and its time alone would flatter the in-thread row.
async function measureMulticore(driver, ours) {
  const base = [process.execPath, CLI, 'cpuHeavy', '--module', CPU_HEAVY, '--socket', '{socket}'];
  const rowsMc = [
    { id: 'ours-cpu-heavy-socket', label: 'ours: cpuHeavy, in-thread', cmd: base },
    { id: 'ours-cpu-heavy-workers', label: 'ours: cpuHeavy, `--workers 2`', cmd: [...base, '--workers', '2'] },
  ].filter((row) => wanted(row.id, 'multicore'));
  const out = [];
  for (const row of rowsMc) {
    if (ours.absent.has(CLI)) {
      out.push({ row, error: 'missing: run npm run build' });
      continue;
    }
    log(`${row.id}: ${MC_CONNECTIONS} concurrent connections x ${MC_POINTS.toLocaleString('en-US')} points (${RUNS} runs)...`);
    let server = null;
    try {
      server = await startServer({ ...row, transport: 'socket', cwd: ROOT });
      const args = [
        '-points',
        String(MC_POINTS),
        '-runs',
        '1',
        '-timeout',
        '300s',
        '-mode',
        'socket',
        '-socket',
        server.socket,
        '-pid',
        String(server.pid),
      ];
      await Promise.all(Array.from({ length: MC_CONNECTIONS }, () => driverOnce(driver, args))); // warm-up
      const rates = [];
      let rssMB = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        const res = await Promise.all(Array.from({ length: MC_CONNECTIONS }, () => driverOnce(driver, args)));
        const wall = Number(process.hrtime.bigint() - t0) / 1e9 - Math.max(...res.map((r) => r.encodeSeconds || 0));
        const runs = res.map((r) => r.runs[0]);
        rates.push(runs.reduce((sum, r) => sum + r.points, 0) / wall);
        rssMB = Math.max(rssMB, ...runs.map((r) => r.peakRssKB / 1024));
      }
      out.push({ row, rate: median(rates), rates, rssMB });
      log(`${row.id}: ${fmtRate(median(rates))} points/s (runs: ${rates.map(fmtRate).join(', ')})`);
    } catch (err) {
      out.push({ row, error: `failed: ${err.message}` });
      log(`${row.id}: FAILED: ${err.message}`);
    } finally {
      if (server) await server.stop();
    }
  }
  return out;
}

function reportMulticore(multicore) {
  if (multicore.length === 0) return '';
  const lines = [];
  lines.push('## Multi-core: a CPU-heavy UDF on worker threads');
  lines.push('');
  lines.push(
    `\`cpuHeavy\` (bench/fixtures/cpu-heavy-udf.js, ~20 µs of math a point) over ${MC_CONNECTIONS} concurrent socket connections, ` +
      `${MC_POINTS.toLocaleString('en-US')} points each, all drivers started together; points/s = points of all connections / wall time until the last finished ` +
      `(less frame encoding), median of ${RUNS} runs.`,
  );
  lines.push('');
  lines.push('| UDF | points/s | runs | peak RSS MB |');
  lines.push('|---|---:|---|---:|');
  for (const m of multicore) {
    if (m.error) lines.push(`| ${m.row.label} | ${m.error.split('\n')[0].replace(/\|/g, '\\|')} | | |`);
    else lines.push(`| ${m.row.label} | ${fmtRate(m.rate)} | ${m.rates.map(fmtRate).join(', ')} | ${m.rssMB.toFixed(1)} |`);
  }
  const [one, two] = multicore;
  if (one && two && Number.isFinite(one.rate) && Number.isFinite(two.rate)) {
    lines.push('');
    lines.push(
      `\`--workers 2\` / in-thread: ${fmtRatio(two.rate / one.rate, 2)} (the machine's ${os.cpus().length} cores are shared with whatever else runs).`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

module.exports = { measureMulticore, reportMulticore };
