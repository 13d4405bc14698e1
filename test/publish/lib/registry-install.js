'use strict';
// Installs the local registry (Verdaccio, pinned by test/publish/registry's
// package-lock.json) with `npm ci` into a cache directory outside the
// repository, once per lockfile: keyed by the lockfile's hash, so a changed
// pin installs anew and the workspace's own lockfile never sees Verdaccio.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCommand } = require('./command');
const { PublishTestError } = require('./errors');

const SPEC_DIR = path.join(__dirname, '..', 'registry');

function cacheRoot() {
  return process.env.KAPACITOR_UDF_CACHE || path.join(os.homedir(), '.cache', 'kapacitor-udf');
}

/** Path of the verdaccio executable script, installing it first if needed. */
async function ensureVerdaccio({ env, log }) {
  const lock = fs.readFileSync(path.join(SPEC_DIR, 'package-lock.json'));
  const hash = crypto.createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const dir = path.join(cacheRoot(), `verdaccio-${hash}`);
  const bin = path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (fs.existsSync(path.join(dir, '.complete'))) {
    log(`Verdaccio: cached in ${dir}`);
    return bin;
  }
  log(`Verdaccio: installing with npm ci into ${dir} (once)`);
  // Installed beside the final directory and renamed into place, so an
  // interrupted install is never taken for a complete one.
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheRoot(), `verdaccio-${hash}.staging-`));
  try {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(SPEC_DIR, f), path.join(staging, f));
    await runCommand('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: staging, env });
    fs.writeFileSync(path.join(staging, '.complete'), `${new Date().toISOString()}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (!fs.existsSync(bin)) {
    throw new PublishTestError(
      'ERR_VERDACCIO_MISSING',
      `npm ci in ${dir} did not install ${bin}: check test/publish/registry/package.json`,
    );
  }
  return bin;
}

module.exports = { ensureVerdaccio };
