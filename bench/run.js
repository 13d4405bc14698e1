#!/usr/bin/env node
// `npm run bench`: builds the load driver and the peer UDFs, runs every UDF of
// ours and every peer in turn through the same driver, and prints one table
// (points/s, ratio to Kapacitor's Go agent, ratio to the frame-echo limit,
// peak RSS), plus the memory and latency checks against their targets. The
// table is also written to bench/results/<UTC time>.md and latest.md.
//
// Plain Node on purpose: it must run before (and without) any TypeScript build.
// Settings (environment):
//   BENCH_RUNS        runs per row, the figure is their median (default 5)
//   BENCH_POINTS      points per run for every row (default: sized per row so a
//                     run lasts about BENCH_SECONDS)
//   BENCH_SECONDS     target length of one run when sizing (default 2; at least 100,000 points)
//   BENCH_WARMUP      points sent and echoed over the same process/connection before
//                     each measured window, every throughput row alike (default 100,000)
//   BENCH_MEM_POINTS  points pushed in the memory check (default 5,000,000)
//   BENCH_MEM_RATE    slow reader's bytes/s in the memory check (default 25e6)
//   BENCH_LATENCY     single-point round trips in the latency check (default 2000)
//   BENCH_ONLY        comma-separated row ids to run (e.g. "ours-mirror-socket,go-mirror";
//                     "multicore" for the CPU-heavy in-thread vs --workers rows;
//                     "kapacitor-like" for the Kapacitor-like delivery section, whose
//                     own settings are in kapacitor-like.js; "kapacitord" for the
//                     end-to-end section, settings in kapacitord.js)
// Flag: --kapacitord   build kapacitord for the end-to-end section if it is not cached
//   BENCH_MC_POINTS   points per connection in the multi-core rows (default 50,000)
//   BENCH_NO_BUILD=1  don't run `npm run build` when our build output is missing
//   BENCH_CACHE       where built peers live (default ~/.cache/kapacitor-udf-bench)
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { measureKapacitorLike, reportKapacitorLike } = require('./kapacitor-like');
const { measureKapacitord, reportKapacitord } = require('./kapacitord');
const { measureReplay } = require('./replay');

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;
const CACHE = process.env.BENCH_CACHE || path.join(os.homedir(), '.cache', 'kapacitor-udf-bench');
const KAPACITOR = 'github.com/influxdata/kapacitor';
const KAPACITOR_VERSION = 'v1.7.6'; // the Go agent and its examples, as served by the Go module proxy
const PY_PACKAGES = ['protobuf==7.36.2', 'grpcio-tools==1.85.1'];

const RUNS = intEnv('BENCH_RUNS', 5);
const FIXED_POINTS = process.env.BENCH_POINTS ? intEnv('BENCH_POINTS', 0) : 0;
const TARGET_SECONDS = Number(process.env.BENCH_SECONDS || 2);
const MIN_POINTS = 100_000;
const WARMUP = intEnv('BENCH_WARMUP', 100_000);
const MEM_POINTS = intEnv('BENCH_MEM_POINTS', 5_000_000);
const MEM_RATE = Number(process.env.BENCH_MEM_RATE || 25e6);
const LATENCY_COUNT = intEnv('BENCH_LATENCY', 2000);
// `npm run bench -- --kapacitord`: build kapacitord for the end-to-end section when it is not cached.
const BUILD_KAPACITORD = process.argv.slice(2).includes('--kapacitord');
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;

const CLI = path.join(ROOT, 'packages', 'cli', 'dist', 'bin', 'udf-run.js');
const CPU_HEAVY = path.join(BENCH, 'fixtures', 'cpu-heavy-udf.js');
const MC_POINTS = intEnv('BENCH_MC_POINTS', 50_000);
const MC_CONNECTIONS = 2;
const TSPROTO_CODEC = path.join(ROOT, 'packages', 'core', 'dist', 'generated', 'udf.js');

// Targets from the performance issue.
const TARGETS = {
  mirrorVsGo: 10,
  mirrorVsEcho: 0.3,
  movingAvgVsGo: 5,
  outliersVsGo: 5,
  peakRssMB: 150,
  latencyMedianMs: 0.5,
};

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

// ---------------------------------------------------------------- building

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) return { ok: false, out: r.error.message };
  return { ok: r.status === 0, out: `${r.stdout || ''}${r.stderr || ''}` };
}

function tail(text, lines = 8) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

// The driver, and the Go agent examples as peers, built from the Go module
// cache (go fetches kapacitor at the exact version named in bench/driver/go.mod).
function buildGo() {
  fs.mkdirSync(path.join(CACHE, 'bin'), { recursive: true });
  const dir = path.join(BENCH, 'driver');
  const driver = path.join(CACHE, 'bin', 'driver');
  log('building the load driver (go build)...');
  const r = run('go', ['build', '-o', driver, '.'], { cwd: dir });
  if (!r.ok) throw new Error(`cannot build the driver:\n${tail(r.out)}`);
  const peers = {};
  for (const name of ['mirror', 'moving_avg', 'outliers']) {
    const bin = path.join(CACHE, 'bin', `go-${name}`);
    const b = run('go', ['build', '-o', bin, `${KAPACITOR}/udf/agent/examples/${name}`], { cwd: dir });
    peers[name] = b.ok ? { bin } : { missing: `go build failed: ${tail(b.out, 2)}` };
  }
  return { driver, peers };
}

// The directory of the kapacitor module in the Go module cache.
function kapacitorDir() {
  const r = run('go', ['list', '-m', '-f', '{{.Dir}}', `${KAPACITOR}`], { cwd: path.join(BENCH, 'driver') });
  const dir = r.out.trim().split('\n').pop();
  if (!r.ok || !fs.existsSync(dir)) throw new Error(`cannot find ${KAPACITOR} in the Go module cache:\n${tail(r.out)}`);
  return dir;
}

// Kapacitor's Python agent. Its checked-in udf_pb2.py is old-style generated
// code that only the pure-Python protobuf 3.x accepts (about 2,000 points/s,
// which would say more about that runtime than the agent), so udf_pb2.py is
// regenerated from the module's udf.proto for a current protobuf runtime. The
// agent and the examples are run unchanged from the module cache.
function setupPython(kdir) {
  const venv = path.join(CACHE, 'py');
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, '.installed');
  const want = PY_PACKAGES.join(' ');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== want) {
    log('setting up the Python agent peer (venv + pip)...');
    fs.rmSync(venv, { recursive: true, force: true });
    let r = run('python3', ['-m', 'venv', venv]);
    if (!r.ok) return { missing: `python3 -m venv failed: ${tail(r.out, 2)}` };
    r = run(path.join(venv, 'bin', 'pip'), ['install', '-q', ...PY_PACKAGES]);
    if (!r.ok) return { missing: `pip install ${want} failed: ${tail(r.out, 2)}` };
    fs.writeFileSync(stamp, want);
  }
  const agentDir = path.join(CACHE, 'pyagent');
  fs.rmSync(agentDir, { recursive: true, force: true });
  fs.cpSync(path.join(kdir, 'udf', 'agent', 'py', 'kapacitor'), path.join(agentDir, 'kapacitor'), { recursive: true });
  run('chmod', ['-R', 'u+w', agentDir]);
  const gen = run(python, [
    '-m',
    'grpc_tools.protoc',
    '-I',
    path.join(kdir, 'udf', 'agent'),
    `--python_out=${path.join(agentDir, 'kapacitor', 'udf')}`,
    path.join(kdir, 'udf', 'agent', 'udf.proto'),
  ]);
  if (!gen.ok) return { missing: `regenerating udf_pb2.py failed: ${tail(gen.out, 2)}` };
  return {
    python,
    examples: path.join(kdir, 'udf', 'agent', 'examples'),
    env: { ...process.env, PYTHONPATH: agentDir, PYTHONDONTWRITEBYTECODE: '1' },
  };
}

// Our build output: run `npm run build` once when any of it is missing.
function checkOurs() {
  const needed = [
    CLI,
    TSPROTO_CODEC,
    path.join(ROOT, 'examples', 'mirror', 'dist', 'index.js'),
    path.join(ROOT, 'examples', 'moving-avg', 'dist', 'index.js'),
    path.join(ROOT, 'examples', 'outliers', 'dist', 'index.js'),
  ];
  const absent = () => needed.filter((f) => !fs.existsSync(f));
  let note = '';
  if (absent().length > 0 && !process.env.BENCH_NO_BUILD) {
    log('our build output is missing: running npm run build...');
    const r = run('npm', ['run', 'build'], { cwd: ROOT });
    if (!r.ok) note = `npm run build failed:\n${tail(r.out, 6)}`;
  }
  return { absent: new Set(absent()), note };
}

// ---------------------------------------------------------------- rows

const STREAM_AVG = ['-opt', 'field:string:usage_user', '-opt', 'size:int:10', '-opt', 'as:string:avg'];
const BATCH_OUTLIERS = ['-kind', 'batch', '-batch-size', '1000', '-opt', 'field:string:usage_user', '-opt', 'scale:double:1.5'];

// Each row: how to start the UDF and what the driver sends it.
// job groups rows that do the same work (for "× Go agent").
function rows(env) {
  const { go, py, ours } = env;
  const node = process.execPath;
  const ourMissing = (...files) => {
    const gone = files.filter((f) => ours.absent.has(f));
    return gone.length ? `missing: run npm run build (${gone.map((f) => path.relative(ROOT, f)).join(', ')})` : null;
  };
  const ex = (dir) => path.join(ROOT, 'examples', dir);
  const exDist = (dir) => path.join(ex(dir), 'dist', 'index.js');
  const pyRow = (script, extra) =>
    py.missing ? { missing: `skipped: ${py.missing}` } : { cmd: [py.python, path.join(py.examples, script), ...extra], env: py.env };
  const goRow = (name, extra = []) =>
    go.peers[name].missing ? { missing: go.peers[name].missing } : { cmd: [go.peers[name].bin, ...extra] };
  return [
    { id: 'cat', label: '`cat` (pipe limit)', job: 'echo', transport: 'process', raw: true, cmd: ['cat'] },
    {
      id: 'frame-echo',
      label: 'Node frame-echo',
      job: 'echo',
      transport: 'process',
      raw: true,
      cmd: [node, path.join(BENCH, 'peers', 'frame-echo.js')],
    },
    {
      id: 'tsproto-mirror',
      label: 'plain ts-proto mirror (Node)',
      job: 'mirror',
      transport: 'process',
      missing: ourMissing(TSPROTO_CODEC),
      cmd: [node, path.join(BENCH, 'peers', 'tsproto-mirror.js')],
    },

    {
      id: 'go-mirror',
      label: 'Go agent mirror',
      job: 'mirror',
      transport: 'socket',
      peer: true,
      ...goRow('mirror', ['-socket', '{socket}']),
    },
    {
      id: 'py-mirror',
      label: 'Python agent mirror',
      job: 'mirror',
      transport: 'socket',
      ...pyRow(path.join('mirror', 'mirror.py'), ['{socket}']),
    },
    {
      id: 'ours-mirror-socket',
      label: '**ours: mirror**',
      job: 'mirror',
      transport: 'socket',
      ours: true,
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror', '--socket', '{socket}'],
    },
    {
      id: 'ours-mirror-process',
      label: 'ours: mirror',
      job: 'mirror',
      transport: 'process',
      ours: true,
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror'],
    },
    // Not Kapacitor's frames: map entries sorted by key, the order the
    // decoder's caches were first tuned to. Kept to show what that order is worth.
    {
      id: 'ours-mirror-socket-sorted',
      label: 'ours: mirror, frames with sorted map entries',
      job: 'mirror',
      transport: 'socket',
      ours: true,
      args: ['-deterministic'],
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror', '--socket', '{socket}'],
    },

    {
      id: 'go-moving-avg',
      label: 'Go agent moving_avg',
      job: 'moving_avg',
      transport: 'process',
      peer: true,
      args: STREAM_AVG,
      ...goRow('moving_avg'),
    },
    {
      id: 'py-moving-avg',
      label: 'Python agent moving_avg',
      job: 'moving_avg',
      transport: 'process',
      args: STREAM_AVG,
      ...pyRow(path.join('moving_avg', 'moving_avg.py'), []),
    },
    {
      id: 'ours-moving-avg',
      label: '**ours: movingAvg**',
      job: 'moving_avg',
      transport: 'process',
      ours: true,
      args: STREAM_AVG,
      missing: ourMissing(CLI, exDist('moving-avg')),
      cwd: ex('moving-avg'),
      cmd: [node, CLI, 'movingAvg'],
    },

    {
      id: 'go-outliers',
      label: 'Go agent outliers',
      job: 'outliers',
      transport: 'process',
      peer: true,
      batch: true,
      args: BATCH_OUTLIERS,
      ...goRow('outliers'),
    },
    {
      id: 'py-outliers',
      label: 'Python agent outliers',
      job: 'outliers',
      transport: 'process',
      batch: true,
      args: BATCH_OUTLIERS,
      ...pyRow(path.join('outliers', 'outliers.py'), []),
    },
    {
      id: 'ours-outliers',
      label: '**ours: outliers**',
      job: 'outliers',
      transport: 'process',
      ours: true,
      batch: true,
      args: BATCH_OUTLIERS,
      missing: ourMissing(CLI, exDist('outliers')),
      cwd: ex('outliers'),
      cmd: [node, CLI, 'outliers'],
    },
  ];
}

// ---------------------------------------------------------------- running

let socketSeq = 0;

// Starts a socket server and waits for its socket file.
async function startServer(row) {
  const socket = path.join(os.tmpdir(), `kudf-bench-${process.pid}-${socketSeq++}.sock`);
  fs.rmSync(socket, { force: true });
  const cmd = row.cmd.map((a) => a.replace('{socket}', socket));
  const child = spawn(cmd[0], cmd.slice(1), { cwd: row.cwd, env: row.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = `exited (${signal || code})`;
  });
  child.on('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + 15000;
  while (!fs.existsSync(socket)) {
    if (exited) throw new Error(`socket server ${exited}:\n${tail(stderr)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socket server did not create ${socket} within 15s:\n${tail(stderr)}`);
    }
    await sleep(50);
  }
  return {
    socket,
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
        clearTimeout(t);
      }
      fs.rmSync(socket, { force: true });
    },
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Runs the driver against a row with extra driver flags; returns its JSON.
async function drive(driver, row, flags) {
  let server = null;
  const args = [...flags, ...(row.args || [])];
  if (row.raw) args.push('-raw');
  if (row.transport === 'socket') {
    server = await startServer(row);
    args.push('-mode', 'socket', '-socket', server.socket, '-pid', String(server.pid));
  } else {
    if (row.cwd) args.push('-cwd', row.cwd);
    args.push('--', ...row.cmd);
  }
  try {
    const { code, stdout, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(driver, args, { env: row.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err = (err + d).slice(-8000);
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    let result = null;
    try {
      result = JSON.parse(stdout.trim().split('\n').pop() || 'null');
    } catch {
      result = null;
    }
    if (code !== 0 || !result || result.error) {
      const why = result?.error || `driver exited with ${code}`;
      const more = tail(`${stderr}${server ? server.stderr() : ''}`, 6);
      throw new Error(`${why}${more ? `\n${more}` : ''}`);
    }
    return result;
  } finally {
    if (server) await server.stop();
  }
}

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

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
      pointsBack: m.runs[0].pointsBack,
      batchesBack: m.runs[0].batchesBack,
      bytesPerPoint: m.bytesPerPoint,
    };
    results.set(m.row.id, r);
    log(`${m.row.id}: ${fmtRate(r.rate)} points/s (runs: ${r.rates.map(fmtRate).join(', ')}), peak RSS ${r.rssMB.toFixed(1)} MB`);
  }
}

// ---------------------------------------------------------------- report

function fmtRate(x) {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
}

function fmtRatio(x, digits = 1) {
  return Number.isFinite(x) ? `${x.toFixed(digits)}×` : '—';
}

function fmtPct(x) {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '—';
}

function mark(ok) {
  if (ok === null) return 'n/a';
  return ok ? 'PASS' : 'FAIL';
}

function gitRev() {
  const r = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
  const dirty = run('git', ['status', '--porcelain', '--', 'packages', 'examples'], { cwd: ROOT });
  return r.ok ? `${r.out.trim()}${dirty.out.trim() ? ' (+ uncommitted changes)' : ''}` : 'unknown';
}

function versionOf(cmd, args) {
  const r = run(cmd, args);
  return r.ok ? r.out.trim().split('\n')[0] : 'unknown';
}

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
    if (ONLY && !ONLY.has(row.id)) continue;
    if (row.missing) {
      results.set(row.id, { error: row.missing });
      log(`${row.id}: ${row.missing}`);
      continue;
    }
    selected.push(row);
  }
  await measureThroughputRows(go.driver, selected, results);
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

  // Memory: a slow Kapacitor-side reader while MEM_POINTS points are pushed.
  const memory = [];
  for (const id of ['ours-mirror-process', 'ours-mirror-socket']) {
    const row = all.find((r) => r.id === id);
    if (ONLY && !ONLY.has(id) && !ONLY.has('memory')) continue;
    if (row.missing) {
      memory.push({ row, error: row.missing });
      continue;
    }
    log(`memory (${id}): ${MEM_POINTS.toLocaleString('en-US')} points, reader paused 2s then ${(MEM_RATE / 1e6).toFixed(0)} MB/s...`);
    try {
      const res = await drive(go.driver, row, [
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

  // Kapacitor-like delivery: fixed offered rates, cost per point from /proc.
  const kapacitorLike = await measureKapacitorLike({
    all,
    wanted: (id) => !ONLY || ONLY.has(id) || ONLY.has('kapacitor-like'),
    drive: (row, flags) => drive(go.driver, row, flags),
    intEnv,
    log,
  });

  // Latency: one point at a time, 1 ms apart, each written as Kapacitor
  // writes it (length prefix and body as two writes).
  const latency = [];
  for (const id of ['ours-mirror-socket', 'ours-mirror-process', 'go-mirror']) {
    const row = all.find((r) => r.id === id);
    if (ONLY && !ONLY.has(id) && !ONLY.has('latency')) continue;
    if (row.missing) {
      latency.push({ row, error: row.missing });
      continue;
    }
    log(`latency (${id}): ${LATENCY_COUNT} round trips...`);
    try {
      const res = await drive(go.driver, row, ['-latency', String(LATENCY_COUNT), '-interval', '1ms', '-delivery', 'kapacitor']);
      latency.push({ row, ...res.latency });
      log(`latency (${id}): median ${(res.latency.medianUs / 1000).toFixed(3)} ms`);
    } catch (err) {
      latency.push({ row, error: `failed: ${err.message}` });
      log(`latency (${id}): FAILED: ${err.message}`);
    }
  }

  const multicore = await measureMulticore(go.driver, ours);

  // End to end: the same tasks through a real kapacitord (cached by e2e/).
  let kapacitord = null;
  if (!ONLY || ONLY.has('kapacitord')) {
    try {
      kapacitord = await measureKapacitord({ root: ROOT, goPeers: go.peers, cli: CLI, build: BUILD_KAPACITORD, log, intEnv });
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

function report({ all, results, memory, latency, started, startLoad, py, klTargets }) {
  const get = (id) => results.get(id);
  const rate = (id) => (get(id) && Number.isFinite(get(id).rate) ? get(id).rate : NaN);
  const goByJob = { echo: rate('go-mirror'), mirror: rate('go-mirror'), moving_avg: rate('go-moving-avg'), outliers: rate('go-outliers') };
  const echo = rate('frame-echo');

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
  lines.push('| UDF | transport | points/s | × Go agent | % of frame-echo | peak RSS MB | points a run |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  for (const row of all) {
    const r = get(row.id);
    if (!r) continue;
    if (r.error) {
      lines.push(`| ${row.label} | ${row.transport} | ${r.error.split('\n')[0].replace(/\|/g, '\\|')} | | | | |`);
      continue;
    }
    const vsGo = r.rate / goByJob[row.job];
    lines.push(
      `| ${row.label} | ${row.transport}${row.batch ? ', batch' : ''} | ${fmtRate(r.rate)} | ${fmtRatio(vsGo)} | ${fmtPct(r.rate / echo)} | ${r.rssMB.toFixed(1)} | ${r.points.toLocaleString('en-US')} |`,
    );
  }
  lines.push('');
  lines.push('"× Go agent" compares with Kapacitor\'s Go agent doing the same job (the echo rows with its mirror).');
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
  for (const m of memory) {
    const label = `peak RSS < ${TARGETS.peakRssMB} MB, ${MEM_POINTS.toLocaleString('en-US')} points, slow reader (mirror, ${m.row.transport})`;
    if (m.error) lines.push(`| ${label} | ${m.error.split('\n')[0].replace(/\|/g, '\\|')} | n/a |`);
    else lines.push(`| ${label} | ${m.rssMB.toFixed(1)} MB (${m.seconds.toFixed(1)}s) | ${mark(m.rssMB < TARGETS.peakRssMB)} |`);
  }
  for (const t of klTargets) lines.push(`| ${t.label} | ${t.measured.replace(/\|/g, '\\|')} | ${mark(t.ok)} |`);
  const goLatency = latency.find((l) => !l.row.ours && !l.error);
  for (const l of latency) {
    if (!l.row.ours || l.error || !goLatency) continue;
    lines.push(
      `| p99 round trip ≤ the Go agent's p99 (ours mirror, ${l.row.transport}) | ${(l.p99Us / 1000).toFixed(3)} ms vs ${(goLatency.p99Us / 1000).toFixed(3)} ms | ${mark(l.p99Us <= goLatency.p99Us)} |`,
    );
  }
  for (const l of latency) {
    const label = `median round trip < ${TARGETS.latencyMedianMs} ms, one point at a time (${l.row.ours ? 'ours' : 'Go agent'} mirror, ${l.row.transport})`;
    if (l.error) lines.push(`| ${label} | ${l.error.split('\n')[0].replace(/\|/g, '\\|')} | n/a |`);
    else {
      const ms = l.medianUs / 1000;
      const detail = `${ms.toFixed(3)} ms (p90 ${(l.p90Us / 1000).toFixed(3)}, p99 ${(l.p99Us / 1000).toFixed(3)})`;
      lines.push(`| ${label} | ${detail} | ${l.row.ours ? mark(ms < TARGETS.latencyMedianMs) : 'context'} |`);
    }
  }
  lines.push('');
  lines.push(
    'Memory check: the driver reads nothing for 2 s, then at most ' +
      `${(MEM_RATE / 1e6).toFixed(0)} MB/s, while it writes as fast as the UDF accepts; peak RSS is the UDF process's VmHWM.`,
  );
  lines.push(
    'Latency check: after 500 warm-up round trips, each point is written alone (prefix and body as two writes, as Kapacitor does) and timed until its reply is read, 1 ms apart.',
  );
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------- multi-core

// A CPU-heavy UDF (~20 µs of math a point) over MC_CONNECTIONS concurrent
// socket connections: udf-run in one thread vs udf-run --workers 2. Each
// measurement starts one driver per connection at the same moment against
// the same (warm) server; the rate is the points of all of them over the
// wall time until the last one finished, less the drivers' frame encoding
// (done before their clocks start). A driver's own clock is not used: in one
// thread, a second connection's handshake waits behind the first one's data,
// so its clock starts late and its time alone would flatter the in-thread row.
async function measureMulticore(driver, ours) {
  const wanted = (id) => !ONLY || ONLY.has(id) || ONLY.has('multicore');
  const base = [process.execPath, CLI, 'cpuHeavy', '--module', CPU_HEAVY, '--socket', '{socket}'];
  const rowsMc = [
    { id: 'ours-cpu-heavy-socket', label: 'ours: cpuHeavy, in-thread', cmd: base },
    { id: 'ours-cpu-heavy-workers', label: 'ours: cpuHeavy, `--workers 2`', cmd: [...base, '--workers', '2'] },
  ].filter((row) => wanted(row.id));
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

// One driver process against a running server; resolves with its JSON result.
function driverOnce(driver, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(driver, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let result = null;
      try {
        result = JSON.parse(out.trim().split('\n').pop() || 'null');
      } catch {
        result = null;
      }
      if (code !== 0 || !result || result.error || !result.runs) {
        reject(new Error(`${result?.error || `driver exited with ${code}`}${err ? `\n${tail(err, 4)}` : ''}`));
      } else resolve(result);
    });
  });
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

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
