'use strict';
// The metrics row: our socket mirror served with `--metrics 127.0.0.1:0`
// (Prometheus metrics over HTTP, the operations issue), beside the same
// server without it. It runs only when `udf-run --help` mentions
// `--metrics`, so it turns itself on once that option exists. Measured in
// the bulk table (full speed) and at 50k points/s in the Kapacitor-like
// section; report.js and kapacitor-like.js take the ratios.

const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, CLI } = require('./settings');

const ID = 'ours-mirror-socket-metrics';
const BASE_ID = 'ours-mirror-socket';

/** Whether this build of udf-run has --metrics (asked once a run). */
let hasMetrics = null;
function metricsAvailable() {
  if (hasMetrics === null) {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 30000 });
    hasMetrics = `${r.stdout || ''}${r.stderr || ''}`.includes('--metrics');
  }
  return hasMetrics;
}

function rows({ ours }) {
  const row = {
    id: ID,
    label: 'ours: mirror with `--metrics 127.0.0.1:0`',
    job: 'mirror',
    transport: 'socket',
    ours: true,
    klRates: [50000], // in the Kapacitor-like section, only the rate its target is read at
    cwd: path.join(ROOT, 'examples', 'mirror'),
    cmd: [process.execPath, CLI, 'mirror', '--socket', '{socket}', '--metrics', '127.0.0.1:0'],
  };
  if (ours.absent.has(CLI)) return [{ ...row, missing: 'missing: run npm run build' }];
  if (!metricsAvailable())
    return [{ ...row, missing: 'skipped: this udf-run has no --metrics option (udf-run --help does not mention it)' }];
  return [row];
}

module.exports = { rows, ID, BASE_ID };
