'use strict';
// Building what the bench runs (cached in BENCH_CACHE): the load driver and
// Kapacitor's Go agent examples, the Python agent in a venv, and our own
// build output.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, BENCH, CACHE, KAPACITOR, CLI, TSPROTO_CODEC, log } = require('./settings');

const PY_PACKAGES = ['protobuf==7.36.2', 'grpcio-tools==1.85.1'];

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

module.exports = { run, tail, buildGo, kapacitorDir, setupPython, checkOurs };
