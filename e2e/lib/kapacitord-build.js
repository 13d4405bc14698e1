'use strict';
// Builds kapacitord from the Go module proxy into a cache outside the repo and
// reuses it on later runs. Two releases are known to build here: 1.5.9 (pure
// Go, the default) and 1.7.6 (links flux's Rust library through cgo, built by
// cargo from the crates registry). See e2e/README.md for what was tried and why the
// steps below exist.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const KAPACITOR_MODULE = 'github.com/influxdata/kapacitor';
const DEFAULT_VERSION = '1.5.9';
const SUPPORTED_VERSIONS = ['1.5.9', '1.7.6'];

// Kapacitor 1.5.9 pulls github.com/ugorji/go at this version (through
// prometheus discovery -> k8s client-go). Its codec package builds a base64
// alphabet with "_" twice at init; Go >= 1.22 panics on that ("encoding
// alphabet includes duplicate symbols"), so kapacitord dies before main. The
// variable is only used by the codec's code generator, so the build replaces
// the module with a copy whose alphabet ends in "_." instead. Version pinned
// because k8s client-go 1.5's generated code checks the codec's GenVersion.
const UGORJI_MODULE = 'github.com/ugorji/go';
const UGORJI_VERSION = 'v0.0.0-20170312112114-708a42d24682';
const UGORJI_BAD = '0123456789__")';
const UGORJI_FIXED = '0123456789_.")';

// Reference UDFs shipped in the same module, used by `--reference` to check
// the harness itself against Kapacitor's own agent.
const REFERENCE_UDFS = {
  mirror: `${KAPACITOR_MODULE}/udf/agent/examples/mirror`,
  moving_avg: `${KAPACITOR_MODULE}/udf/agent/examples/moving_avg`,
  outliers: `${KAPACITOR_MODULE}/udf/agent/examples/outliers`,
};

function cacheRoot() {
  return process.env.KAPACITOR_UDF_E2E_CACHE || path.join(os.homedir(), '.cache', 'kapacitor-udf-e2e');
}

function versionDir(version) {
  return path.join(cacheRoot(), `v${version}`);
}

function goEnv(extra = {}) {
  return {
    ...process.env,
    // -mod=mod: the wrapper's go.sum starts as Kapacitor's own and may need
    // entries added. GOWORK=off: never pick up a go.work from around the cache.
    GOFLAGS: '-mod=mod -buildvcs=false',
    GOWORK: 'off',
    ...extra,
  };
}

class BuildError extends Error {
  constructor(message, logFile) {
    super(logFile ? `${message}\n  full log: ${logFile}` : message);
    this.name = 'BuildError';
    this.code = 'ERR_KAPACITORD_BUILD';
  }
}

/** Runs a command (niced: the machine is shared), appending its output to logFile. */
function run(cmd, args, { cwd, logFile, env }) {
  return new Promise((resolve, reject) => {
    const line = `$ (cd ${cwd} && ${[cmd, ...args].join(' ')})\n`;
    fs.appendFileSync(logFile, line);
    const out = fs.openSync(logFile, 'a');
    const child = spawn('nice', ['-n', '10', cmd, ...args], { cwd, env, stdio: ['ignore', out, out] });
    child.on('error', (err) => {
      fs.closeSync(out);
      reject(new BuildError(`could not start ${cmd}: ${err.message}`, logFile));
    });
    child.on('close', (code, signal) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
      reject(new BuildError(`${line.trim()} failed (${signal ?? `exit ${code}`}):\n${tail}`, logFile));
    });
  });
}

function goModDownload(spec, cwd) {
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', spec], { cwd, env: goEnv(), encoding: 'utf8' });
    return JSON.parse(out);
  } catch (err) {
    throw new BuildError(`go mod download -json ${spec} failed: ${(err.stdout || '') + (err.stderr || err.message)}`);
  }
}

/**
 * A wrapper main module that requires kapacitor at the exact version.
 * `go install pkg@version` cannot be used: it reads the module's version
 * list (to look for deprecations), which the proxy here refuses, and it would
 * ignore Kapacitor's replace directives. A wrapper whose go.mod is a copy of
 * Kapacitor's keeps its exact dependency graph and replaces.
 */
function writeWrapper(version, wrapperDir, logFile) {
  fs.mkdirSync(wrapperDir, { recursive: true });
  const tag = `v${version}`;
  const kap = goModDownload(`${KAPACITOR_MODULE}@${tag}`, wrapperDir);
  fs.appendFileSync(logFile, `kapacitor module: ${kap.Dir}\n`);
  const kapGoMod = fs.readFileSync(kap.GoMod, 'utf8');
  if (!/^module github\.com\/influxdata\/kapacitor$/m.test(kapGoMod)) {
    throw new BuildError(`unexpected go.mod in ${kap.GoMod}: no "module ${KAPACITOR_MODULE}" line`);
  }
  let goMod =
    kapGoMod.replace(/^module github\.com\/influxdata\/kapacitor$/m, 'module kapacitor-udf-e2e/wrapper') +
    `\nrequire ${KAPACITOR_MODULE} ${tag}\n`;
  if (version === '1.5.9') goMod += patchUgorji(wrapperDir);
  fs.writeFileSync(path.join(wrapperDir, 'go.mod'), goMod);
  const kapGoSum = fs.readFileSync(path.join(kap.Dir, 'go.sum'), 'utf8');
  fs.writeFileSync(
    path.join(wrapperDir, 'go.sum'),
    `${kapGoSum}${KAPACITOR_MODULE} ${tag} ${kap.Sum}\n${KAPACITOR_MODULE} ${tag}/go.mod ${kap.GoModSum}\n`,
  );
  return kap;
}

/** Copies the old ugorji codec into the wrapper with its alphabet fixed; returns the go.mod lines. */
function patchUgorji(wrapperDir) {
  const ugorji = goModDownload(`${UGORJI_MODULE}@${UGORJI_VERSION}`, wrapperDir);
  const patched = path.join(wrapperDir, 'patched', 'ugorji-go');
  fs.rmSync(patched, { recursive: true, force: true });
  fs.cpSync(ugorji.Dir, patched, { recursive: true });
  chmodWritable(patched);
  const genGo = path.join(patched, 'codec', 'gen.go');
  const src = fs.readFileSync(genGo, 'utf8');
  if (src.split(UGORJI_BAD).length !== 2) {
    throw new BuildError(`expected exactly one ${UGORJI_BAD} in ${genGo}; the ugorji patch no longer applies`);
  }
  fs.writeFileSync(genGo, src.replace(UGORJI_BAD, UGORJI_FIXED));
  fs.writeFileSync(path.join(patched, 'go.mod'), `module ${UGORJI_MODULE}\n`);
  return `\n// Go >= 1.22 panics at init on this old codec's duplicate base64 symbol.\nreplace ${UGORJI_MODULE} => ./patched/ugorji-go\n`;
}

/**
 * 1.6+ import flux, whose cgo package asks `pkg-config flux`. InfluxData's own
 * pkg-config (a Go module, pinned in kapacitor's go.mod) answers that by
 * building libflux with cargo from the flux module's Rust sources. Two things
 * stand in its way here: flux's rust-toolchain file pins Rust 1.58, which
 * rustup cannot download (so the installed default toolchain is named
 * instead), and flux-core denies all warnings, which newer rustc lints turn
 * into errors (so a RUSTC_WRAPPER caps lints at "warn").
 * Returns the extra environment for `go build`.
 */
async function fluxToolchain(dir, wrapperDir, kapGoMod, logFile) {
  const m = /^\s*github\.com\/influxdata\/pkg-config (v\S+)/m.exec(kapGoMod);
  if (!m) throw new BuildError("kapacitor's go.mod names no github.com/influxdata/pkg-config version");
  const tools = path.join(dir, 'tools');
  const pcDir = path.join(dir, 'pkg-config-path');
  fs.mkdirSync(pcDir, { recursive: true });
  if (!fs.existsSync(path.join(tools, 'pkg-config'))) {
    await run('go', ['install', 'github.com/influxdata/pkg-config'], { cwd: wrapperDir, logFile, env: goEnv({ GOBIN: tools }) });
  }
  fs.rmSync(path.join(pcDir, 'pkg-config'), { force: true });
  fs.symlinkSync(path.join(tools, 'pkg-config'), path.join(pcDir, 'pkg-config'));
  const wrapper = path.join(tools, 'rustc-cap-lints');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      '# RUSTC_WRAPPER: cap lints at warn unless cargo already capped them (flux-core denies warnings).',
      'rustc="$1"; shift',
      'for a in "$@"; do case "$a" in --cap-lints*) exec "$rustc" "$@";; esac; done',
      'exec "$rustc" "$@" --cap-lints warn',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const env = { PATH: `${pcDir}${path.delimiter}${process.env.PATH}`, RUSTC_WRAPPER: wrapper, CGO_ENABLED: '1' };
  try {
    // Asked outside flux's folder, so this is the toolchain installed here.
    const active = execFileSync('rustup', ['show', 'active-toolchain'], { cwd: dir, encoding: 'utf8' }).trim().split(/\s+/)[0];
    if (active) env.RUSTUP_TOOLCHAIN = active;
  } catch {
    // No rustup: cargo is used as it is, and ignores rust-toolchain files.
  }
  fs.appendFileSync(logFile, `flux build env: ${JSON.stringify(env)} (pkg-config ${m[1]})\n`);
  return env;
}

function chmodWritable(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    fs.chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) chmodWritable(p);
  }
  fs.chmodSync(dir, 0o755);
}

function binaryVersion(bin) {
  try {
    return execFileSync(bin, ['version'], { encoding: 'utf8', timeout: 20000 }).trim();
  } catch {
    return null;
  }
}

/**
 * Returns { bin, version, cached, buildSeconds } for kapacitord `version`
 * ("1.5.9"), building it first when the cache has none (or a broken one).
 */
async function ensureKapacitord({ version = DEFAULT_VERSION, log }) {
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new BuildError(`Kapacitor ${version} is not one this script knows how to build; use one of ${SUPPORTED_VERSIONS.join(', ')}`);
  }
  const dir = versionDir(version);
  const bin = path.join(dir, 'bin', 'kapacitord');
  const stampFile = path.join(dir, 'build.json');
  if (fs.existsSync(bin) && fs.existsSync(stampFile)) {
    const v = binaryVersion(bin);
    if (v?.includes(version)) {
      const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
      return { bin, version: v, cached: true, buildSeconds: stamp.buildSeconds, dir };
    }
    log(`cached ${bin} does not run or reports another version; rebuilding`);
  }
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const logFile = path.join(dir, 'logs', `build-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  log(`building kapacitord ${version} from the Go module proxy (first time: several minutes on 2 cores)`);
  log(`build log: ${logFile}`);
  const started = Date.now();
  const wrapperDir = path.join(dir, 'wrapper');
  const kap = writeWrapper(version, wrapperDir, logFile);
  const extraEnv = version === '1.5.9' ? {} : await fluxToolchain(dir, wrapperDir, fs.readFileSync(kap.GoMod, 'utf8'), logFile);
  const tmp = `${bin}.tmp-${process.pid}`;
  await run(
    'go',
    [
      'build',
      '-trimpath',
      '-ldflags',
      `-X main.version=${version} -X main.branch=v${version} -X main.commit=go-module-proxy`,
      '-o',
      tmp,
      `${KAPACITOR_MODULE}/cmd/kapacitord`,
    ],
    { cwd: wrapperDir, logFile, env: goEnv(extraEnv) },
  );
  fs.renameSync(tmp, bin);
  const v = binaryVersion(bin);
  if (!v?.includes(version)) {
    throw new BuildError(`built ${bin} but "kapacitord version" printed ${JSON.stringify(v)}`, logFile);
  }
  const buildSeconds = Math.round((Date.now() - started) / 1000);
  const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(
    stampFile,
    `${JSON.stringify({ kapacitor: `v${version}`, go: goVersion, builtAt: new Date().toISOString(), buildSeconds }, null, 2)}\n`,
  );
  return { bin, version: v, cached: false, buildSeconds, dir };
}

/** Builds Kapacitor's own example UDFs (Go) next to kapacitord; returns name -> binary path. */
async function ensureReferenceUdfs({ version = DEFAULT_VERSION, log }) {
  const dir = versionDir(version);
  const wrapperDir = path.join(dir, 'wrapper');
  const out = {};
  for (const [name, pkg] of Object.entries(REFERENCE_UDFS)) {
    const bin = path.join(dir, 'reference-udfs', name);
    if (!fs.existsSync(bin)) {
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      const logFile = path.join(dir, 'logs', `build-reference-${name}.log`);
      log(`building Kapacitor's reference UDF ${name}`);
      // The example UDFs are pure Go, whatever the release.
      await run('go', ['build', '-trimpath', '-o', `${bin}.tmp`, pkg], { cwd: wrapperDir, logFile, env: goEnv({ CGO_ENABLED: '0' }) });
      fs.renameSync(`${bin}.tmp`, bin);
    }
    out[name] = bin;
  }
  return out;
}

module.exports = { ensureKapacitord, ensureReferenceUdfs, cacheRoot, DEFAULT_VERSION, SUPPORTED_VERSIONS, BuildError };
