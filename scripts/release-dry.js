#!/usr/bin/env node
'use strict';
// What a release would do, without doing it (npm run release:dry).
//
// Runs `lerna version` (configured in lerna.json: conventional commits pick
// the bump, CHANGELOG.md per package, internal ranges moved along) in a
// throw-away git worktree of HEAD on a temporary branch, with no tag and no
// push, then prints the new versions, the internal dependency ranges that
// changed, each new CHANGELOG entry, and what `npm pack` would put in each
// package that `lerna publish from-package` would publish. The worktree and
// its branch are removed afterwards; this checkout is not touched.
//
//   npm run release:dry                 (bump from conventional commits)
//   npm run release:dry -- minor        (or any bump `lerna version` takes)
//   npm run release:dry -- --json       (the same as JSON)

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { REPO_ROOT, workspaces } = require('../test/publish/lib/workspaces');

const LERNA = path.join(REPO_ROOT, 'node_modules', 'lerna', 'dist', 'cli.js');

function sh(cmd, args, cwd, opts = {}) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...opts });
}

function fail(message) {
  console.error(`release:dry: ${message}`);
  process.exit(1);
}

/** The entry lerna added at the top of a CHANGELOG.md: the lines the diff added. */
function newChangelogEntry(worktree, file) {
  const diff = sh('git', ['diff', '--no-color', '-U0', '--', file], worktree);
  return diff
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .map((l) => l.slice(1))
    .join('\n')
    .trim();
}

/**
 * Runs `lerna version <bumpArgs>` in a throw-away worktree of HEAD and
 * returns what it changed: { packages: [{ dir, name, private, from, to,
 * ranges: [{ field, name, from, to }], changelog }], files (git diff --stat),
 * publish: [{ name, version, files, size }] }.
 */
function dryRelease(bumpArgs) {
  if (!fs.existsSync(LERNA)) throw new Error(`${LERNA} is missing: run npm ci first`);
  const before = new Map(workspaces().map((w) => [path.relative(REPO_ROOT, w.dir), w.pkg]));
  const branch = `release-dry-${process.pid}-${Date.now()}`;
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), 'kapacitor-udf-release-dry-'));
  sh('git', ['worktree', 'add', '--quiet', '-b', branch, worktree, 'HEAD'], REPO_ROOT);
  try {
    // lerna.json's allowBranch names the release branch; the temporary one
    // stands in for it here. Nothing is committed, tagged or pushed.
    const args = [
      LERNA,
      'version',
      ...bumpArgs,
      '--yes',
      '--no-git-tag-version',
      '--no-push',
      '--allow-branch',
      branch,
      '--loglevel',
      'warn',
    ];
    try {
      sh(process.execPath, args, worktree, { env: { ...process.env, CI: 'true' } });
    } catch (err) {
      throw new Error(`lerna version failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    }
    const packages = [];
    for (const w of workspaces(worktree)) {
      const dir = path.relative(worktree, w.dir);
      const old = before.get(dir);
      if (!old) continue;
      const ranges = [];
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        for (const [name, range] of Object.entries(w.pkg[field] ?? {})) {
          const was = old[field]?.[name];
          if (was !== range) ranges.push({ field, name, from: was, to: range });
        }
      }
      const changelog = fs.existsSync(path.join(w.dir, 'CHANGELOG.md')) ? newChangelogEntry(worktree, path.join(dir, 'CHANGELOG.md')) : '';
      packages.push({ dir, name: w.pkg.name, private: w.pkg.private === true, from: old.version, to: w.pkg.version, ranges, changelog });
    }
    const files = sh('git', ['diff', '--stat', '--no-color'], worktree).trimEnd();
    const publish = packages
      .filter((p) => !p.private && p.from !== p.to)
      .map((p) => {
        // Packed from this checkout (built by prepack): the worktree has no node_modules.
        const [packed] = JSON.parse(sh('npm', ['pack', '--dry-run', '--json'], path.join(REPO_ROOT, p.dir)));
        return { name: p.name, version: p.to, files: packed.entryCount, size: packed.size };
      });
    return { packages, files, publish };
  } finally {
    sh('git', ['worktree', 'remove', '--force', worktree], REPO_ROOT);
    sh('git', ['branch', '-D', branch], REPO_ROOT);
  }
}

function print({ packages, files, publish }) {
  console.log('Versions (lerna version, fixed mode):');
  for (const p of packages) {
    console.log(`  ${p.name}: ${p.from} -> ${p.to}${p.private ? ' (private: not published)' : ''}`);
    if (p.ranges.length) console.log(`    ranges: ${p.ranges.map((r) => `${r.name} ${r.from} -> ${r.to}`).join(', ')}`);
  }
  console.log('\nFiles lerna version would change (and commit, tag and push in a real release):');
  console.log(files.replace(/^/gm, '  '));
  console.log('\nNew CHANGELOG entries:');
  for (const p of packages.filter((x) => !x.private)) console.log(`--- ${p.name} (${p.dir}/CHANGELOG.md)\n${p.changelog || '(none)'}\n`);
  console.log('Would publish (lerna publish from-package; tarballs packed from this checkout):');
  for (const p of publish) console.log(`  ${p.name}@${p.version}: ${p.files} files, ${(p.size / 1024).toFixed(1)} KiB packed`);
  if (publish.length === 0) console.log('  nothing: no package changed since the last release');
}

function main() {
  const argv = process.argv.slice(2);
  if (argv.some((a) => a === '--help' || a === '-h')) {
    console.log(
      fs
        .readFileSync(__filename, 'utf8')
        .split('\n')
        .slice(2, 16)
        .join('\n')
        .replace(/^\/\/ ?/gm, ''),
    );
    return;
  }
  const json = argv.includes('--json');
  const bump = argv.filter((a) => a !== '--json');
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no'], REPO_ROOT).trim();
  if (dirty && !json) console.log(`note: uncommitted changes are not part of the dry run (it releases HEAD):\n${dirty}\n`);
  let result;
  try {
    result = dryRelease(bump);
  } catch (err) {
    fail(err.message);
  }
  if (json) console.log(JSON.stringify(result, null, 2));
  else print(result);
}

main();
