'use strict';
// Settings shared by the sections of `npm run bench` (environment variables
// are listed in run.js and bench/README.md), and the small helpers every
// section uses.

const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;

function intEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;

module.exports = {
  ROOT,
  BENCH,
  CACHE: process.env.BENCH_CACHE || path.join(os.homedir(), '.cache', 'kapacitor-udf-bench'),
  KAPACITOR: 'github.com/influxdata/kapacitor',
  KAPACITOR_VERSION: 'v1.7.6', // the Go agent and its examples, as served by the Go module proxy
  CLI: path.join(ROOT, 'packages', 'cli', 'dist', 'bin', 'udf-run.js'),
  TSPROTO_CODEC: path.join(ROOT, 'packages', 'core', 'dist', 'generated', 'udf.js'),
  RUNS: intEnv('BENCH_RUNS', 5),
  FIXED_POINTS: process.env.BENCH_POINTS ? intEnv('BENCH_POINTS', 0) : 0,
  TARGET_SECONDS: Number(process.env.BENCH_SECONDS || 2),
  MIN_POINTS: 100_000,
  WARMUP: intEnv('BENCH_WARMUP', 100_000),
  MEM_POINTS: intEnv('BENCH_MEM_POINTS', 5_000_000),
  MEM_RATE: Number(process.env.BENCH_MEM_RATE || 25e6),
  LATENCY_COUNT: intEnv('BENCH_LATENCY', 1500),
  LATENCY_ROUNDS: intEnv('BENCH_LATENCY_ROUNDS', 4),
  LATENCY_WARMUP: intEnv('BENCH_LATENCY_WARMUP', 20_000),
  MC_POINTS: intEnv('BENCH_MC_POINTS', 50_000),
  // `npm run bench -- --kapacitord`: build kapacitord for the end-to-end section when it is not cached.
  BUILD_KAPACITORD: process.argv.slice(2).includes('--kapacitord'),
  ONLY,
  /** Whether BENCH_ONLY selects a row id or one of the section names given. */
  wanted: (id, ...sections) => !ONLY || ONLY.has(id) || sections.some((s) => ONLY.has(s)),
  intEnv,
  log,
  median,
  sleep,
};
