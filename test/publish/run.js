#!/usr/bin/env node
'use strict';
// Publishing, tested against a real registry (npm run test:publish).
//
// Starts a local npm registry (Verdaccio, installed once into
// ~/.cache/kapacitor-udf), publishes every non-private workspace package of
// this repository to it with `npm publish` (each package's prepack builds it:
// its dist/ is removed first), scaffolds a UDF package with
// `npm create kapacitor-udf` from it, runs that package's npm install, npm test
// and npm publish, then installs @kapacitor-udf/cli and the UDF package into a
// fresh project from the registry alone and runs `npx --no-install udf-run
// --list` and a real conversation (Info, Init, points) with the installed
// udf-run over a pipe. Takes minutes (the scaffolded package's dev tools
// come through the registry's uplink).
//
//   options: --keep (keep the temp dir, printed at the end), --help
//
// Exits non-zero with a message on the first failed check; the registry and
// temp directory are removed in every case.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { killRunning, runCommand } = require('./lib/command');
const { PublishTestError } = require('./lib/errors');
const { cleanEnv, localRegistryEnv } = require('./lib/npm-env');
const { ensureVerdaccio } = require('./lib/registry-install');
const { LocalRegistry } = require('./lib/verdaccio');
const { parseUdfList, udfsFromPackage } = require('./lib/udf-list');
const { deadbandConversation } = require('./lib/scaffold-conversation');
const { REPO_ROOT, inDependencyOrder, publishableWorkspaces } = require('./lib/workspaces');

const SCAFFOLD_PACKAGE = 'create-kapacitor-udf';
const SCAFFOLD_DIR = path.join(REPO_ROOT, 'packages', SCAFFOLD_PACKAGE);
// The directory the UDF package is scaffolded into (and so, by npm's
// convention, its package name): a name that may well exist upstream, which is
// why the registry serves it locally only.
const UDF_PACKAGE_DIR = 'my-udfs';

const started = Date.now();
function log(msg) {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[publish ${s}s] ${msg}`);
}

function parseArgs(argv) {
  const opts = { keep: false };
  for (const arg of argv) {
    if (arg === '--keep') opts.keep = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        fs
          .readFileSync(__filename, 'utf8')
          .split('\n')
          .slice(2, 19)
          .join('\n')
          .replace(/^\/\/ ?/gm, ''),
      );
      process.exit(0);
    } else {
      console.error(`unknown option ${arg} (see --help)`);
      process.exit(2);
    }
  }
  return opts;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function check(condition, code, message) {
  if (!condition) throw new PublishTestError(code, message);
}

/** Where npm says an installed package came from (the app's hidden lockfile). */
function resolvedFrom(app, name) {
  const lock = readJson(path.join(app, 'node_modules', '.package-lock.json'));
  return lock.packages?.[`node_modules/${name}`]?.resolved;
}

async function publishRepositoryPackages({ publishable, registry, env, logDir }) {
  for (const { dir, pkg } of publishable) {
    // No stale build can be published: prepack must build the package.
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    await runCommand('npm', ['publish'], { cwd: dir, env, logFile: path.join(logDir, 'publish.log') });
    const doc = await registry.packument(pkg.name);
    const tarball = doc?.versions?.[pkg.version]?.dist?.tarball;
    check(
      typeof tarball === 'string' && tarball.startsWith(registry.url),
      'ERR_NOT_PUBLISHED',
      `${pkg.name}@${pkg.version} is not on the local registry after npm publish (tarball: ${tarball})`,
    );
    check(
      fs.existsSync(path.join(dir, 'dist')),
      'ERR_PREPACK',
      `${pkg.name}: npm publish did not build dist/ (its prepack script must run tsc -b)`,
    );
    log(`published ${pkg.name}@${pkg.version} (prepack rebuilt dist/)`);
  }
}

/** `npm create kapacitor-udf`, then npm install, npm test and npm publish in the new package. */
async function scaffoldAndPublish({ scaffold, registry, env, work, logDir }) {
  const createIn = path.join(work, 'create');
  fs.mkdirSync(createIn);
  const spec = `kapacitor-udf@${scaffold.pkg.version}`;
  // npm_config_yes: npm exec would otherwise ask before installing the initializer.
  await runCommand('npm', ['create', spec, UDF_PACKAGE_DIR], {
    cwd: createIn,
    env: { ...env, npm_config_yes: 'true' },
    logFile: path.join(logDir, 'create.log'),
  });
  const udfDir = path.join(createIn, UDF_PACKAGE_DIR);
  check(
    fs.existsSync(path.join(udfDir, 'package.json')),
    'ERR_SCAFFOLD',
    `npm create ${spec} ${UDF_PACKAGE_DIR} wrote no ${udfDir}/package.json`,
  );
  const udfPkg = readJson(path.join(udfDir, 'package.json'));
  log(`npm create ${spec} ${UDF_PACKAGE_DIR}: wrote ${udfPkg.name}@${udfPkg.version}`);
  check(udfPkg.kapacitorUdf !== undefined, 'ERR_SCAFFOLD', `the scaffolded package.json has no "kapacitorUdf" field`);
  const ours = Object.entries({ ...udfPkg.dependencies, ...udfPkg.devDependencies }).filter(([n]) => n.startsWith('@kapacitor-udf/'));
  check(ours.length > 0, 'ERR_SCAFFOLD', 'the scaffolded package depends on no @kapacitor-udf/* package');
  for (const [name, range] of ours) {
    check(
      range === `^${scaffold.pkg.version}`,
      'ERR_SCAFFOLD',
      `the scaffolded package wants ${name}@${range}, not ^${scaffold.pkg.version}`,
    );
  }

  if (await registry.addLocalOnly([udfPkg.name])) log(`registry restarted to serve ${udfPkg.name} locally only`);

  const udfLog = path.join(logDir, 'udf-package.log');
  await runCommand('npm', ['install'], { cwd: udfDir, env, logFile: udfLog });
  log(`${udfPkg.name}: npm install`);
  await runCommand('npm', ['test'], { cwd: udfDir, env, logFile: udfLog });
  log(`${udfPkg.name}: npm test`);
  await runCommand('npm', ['publish'], { cwd: udfDir, env, logFile: udfLog });
  const doc = await registry.packument(udfPkg.name);
  check(
    doc?.versions?.[udfPkg.version] !== undefined,
    'ERR_NOT_PUBLISHED',
    `${udfPkg.name}@${udfPkg.version} is not on the local registry after npm publish`,
  );
  log(`${udfPkg.name}: npm publish`);
  return udfPkg;
}

/** A fresh project: npm install from the registry alone, then udf-run --list and a conversation. */
async function installAndRun({ udfPkg, registry, env, work, logDir }) {
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'kapacitor-udfs-host', version: '1.0.0', private: true }, null, 2),
  );
  const wanted = ['@kapacitor-udf/cli', ...(udfPkg ? [udfPkg.name] : [])];
  const appLog = path.join(logDir, 'app.log');
  await runCommand('npm', ['install', ...wanted], { cwd: app, env, logFile: appLog });
  log(`fresh project: npm install ${wanted.join(' ')}`);

  // Real copies fetched through the local registry, not links into this
  // repository. (That they are our publishes, not upstream's, is the
  // registry's local-only config: it has no uplink for these names.)
  const installed = fs.readdirSync(path.join(app, 'node_modules', '@kapacitor-udf')).map((n) => `@kapacitor-udf/${n}`);
  for (const name of [...installed, ...(udfPkg ? [udfPkg.name] : [])]) {
    const where = path.join(app, 'node_modules', name);
    check(!fs.lstatSync(where).isSymbolicLink(), 'ERR_INSTALL', `${where} is a link, not an installed copy`);
    const from = resolvedFrom(app, name);
    check(from?.startsWith(registry.url), 'ERR_INSTALL', `${name} was installed from ${from}, not from the local registry ${registry.url}`);
  }
  log(`installed from ${registry.url}: ${installed.join(', ')}${udfPkg ? `, ${udfPkg.name}` : ''}`);

  const { stdout } = await runCommand('npx', ['--no-install', 'udf-run', '--list'], { cwd: app, env, logFile: appLog });
  const listed = parseUdfList(stdout);
  log(`npx --no-install udf-run --list: ${listed.map((u) => `${u.name} (${u.edges})`).join(', ') || 'no UDFs'}`);
  if (!udfPkg) return;
  const fromPkg = udfsFromPackage(listed, udfPkg.name);
  check(
    fromPkg.length === 1,
    'ERR_LIST',
    `udf-run --list shows ${fromPkg.length} UDFs from ${udfPkg.name}, want its one example UDF:\n${stdout}`,
  );

  // The testing kit of this repository (built by its prepack above) plays Kapacitor.
  const testing = require(path.join(REPO_ROOT, 'packages', 'testing'));
  const udfRun = path.join(app, 'node_modules', '.bin', 'udf-run');
  log(`conversation with ${udfRun} ${fromPkg[0].name} over a pipe:`);
  await deadbandConversation({ udfRun, udfName: fromPkg[0].name, cwd: app, env: cleanEnv(), testing, log });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const userEnv = cleanEnv();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kapacitor-udf-publish-'));
  const logDir = path.join(work, 'logs');
  fs.mkdirSync(logDir);
  let registry;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    killRunning();
    registry?.killNow();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      log(`${sig}: stopping the registry and removing ${work}`);
      cleanup();
      process.exit(130);
    });
  }

  try {
    const publishable = inDependencyOrder(publishableWorkspaces());
    const scaffold = publishable.find((w) => w.pkg.name === SCAFFOLD_PACKAGE);
    check(
      scaffold !== undefined || !fs.existsSync(SCAFFOLD_DIR),
      'ERR_SCAFFOLD_NOT_PUBLISHABLE',
      `${path.relative(REPO_ROOT, SCAFFOLD_DIR)} exists but is not a publishable workspace named ${SCAFFOLD_PACKAGE}: list it in the root package.json "workspaces" (and do not make it private)`,
    );
    log(`publishable workspaces: ${publishable.map((w) => w.pkg.name).join(', ')}`);

    // The uplink is whatever registry npm is configured with here.
    const uplink = (await runCommand('npm', ['config', 'get', 'registry'], { cwd: REPO_ROOT, env: userEnv })).stdout.trim();
    const cafile = (await runCommand('npm', ['config', 'get', 'cafile'], { cwd: REPO_ROOT, env: userEnv })).stdout.trim();
    const bin = await ensureVerdaccio({ env: userEnv, log });
    const localOnly = [
      '@kapacitor-udf/*',
      ...publishable.map((w) => w.pkg.name).filter((n) => !n.startsWith('@kapacitor-udf/')),
      UDF_PACKAGE_DIR,
    ];
    registry = new LocalRegistry({
      bin,
      dir: path.join(work, 'registry'),
      uplink,
      localOnly,
      cafile: cafile && cafile !== 'null' && cafile !== 'undefined' ? cafile : undefined,
    });
    fs.mkdirSync(registry.dir);
    await registry.start();
    log(
      `Verdaccio on ${registry.url}; served only from local storage: ${localOnly.join(', ')}; everything else via npm's configured registry`,
    );
    const token = await registry.addUser('kapacitor-udf-publish-test', crypto.randomBytes(12).toString('hex'));
    const env = localRegistryEnv({ dir: work, registryUrl: registry.url, token });

    await publishRepositoryPackages({ publishable, registry, env, logDir });

    let udfPkg;
    if (scaffold) {
      udfPkg = await scaffoldAndPublish({ scaffold, registry, env, work, logDir });
    } else {
      log(`NOT TESTED: ${path.relative(REPO_ROOT, SCAFFOLD_DIR)} is not in this repository, so no UDF package is scaffolded and published`);
    }

    await installAndRun({ udfPkg, registry, env, work, logDir });
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    const code = err?.code ? ` [${err.code}]` : '';
    console.error(`\n[publish] FAILED${code}: ${err?.message ? err.message : err}`);
    if (opts.keep) console.error(`[publish] kept ${work} (logs in ${logDir})`);
    else console.error(`[publish] rerun with --keep to keep the temp dir and its logs`);
    process.exitCode = 1;
  } finally {
    await registry?.stop();
    if (opts.keep) log(`kept ${work}`);
    cleanup();
  }
}

main();
