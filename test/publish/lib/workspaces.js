'use strict';
// The packages of this repository, read from the root package.json's
// "workspaces" (never a hard-coded list: a package added there is checked and
// published by the packaging tests without editing them).

const fs = require('node:fs');
const path = require('node:path');
const { PublishTestError } = require('./errors');

const REPO_ROOT = path.resolve(__dirname, '../../..');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Expands one "workspaces" entry. npm accepts any glob; this repository uses
 * plain folders and "folder/*", and a form beyond those is refused (so a new
 * pattern is noticed here rather than silently matching nothing).
 */
function expand(root, pattern) {
  if (!/[*?[\]{}!]/.test(pattern)) return [path.join(root, pattern)];
  if (/^[^*?[\]{}!]+\/\*$/.test(pattern)) {
    const parent = path.join(root, pattern.slice(0, -2));
    return fs
      .readdirSync(parent, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(parent, d.name, 'package.json')))
      .map((d) => path.join(parent, d.name))
      .sort();
  }
  throw new PublishTestError(
    'ERR_WORKSPACE_PATTERN',
    `workspaces pattern "${pattern}" is not supported by test/publish/lib/workspaces.js: ` +
      'use a folder or "folder/*" in the root package.json, or teach expand() the new form',
  );
}

/** Every workspace package: { dir, pkg } with pkg its parsed package.json. */
function workspaces(root = REPO_ROOT) {
  const patterns = readJson(path.join(root, 'package.json')).workspaces;
  if (!Array.isArray(patterns)) {
    throw new PublishTestError('ERR_NO_WORKSPACES', `${root}/package.json has no "workspaces" array`);
  }
  return patterns
    .flatMap((p) => expand(root, p))
    .map((dir) => {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) {
        throw new PublishTestError('ERR_WORKSPACE_MISSING', `workspace ${path.relative(root, dir)} has no package.json`);
      }
      return { dir, pkg: readJson(file) };
    });
}

/** The workspace packages that are published (not "private": true). */
function publishableWorkspaces(root = REPO_ROOT) {
  return workspaces(root).filter((w) => w.pkg.private !== true);
}

/**
 * The publishable packages ordered so that each comes after the packages of
 * this repository it depends on (a registry install of one must find the
 * others already there).
 */
function inDependencyOrder(list) {
  const byName = new Map(list.map((w) => [w.pkg.name, w]));
  const done = new Set();
  const ordered = [];
  const visit = (w, chain) => {
    if (done.has(w.pkg.name)) return;
    if (chain.includes(w.pkg.name)) {
      throw new PublishTestError('ERR_DEPENDENCY_CYCLE', `workspace dependency cycle: ${[...chain, w.pkg.name].join(' -> ')}`);
    }
    const deps = { ...w.pkg.dependencies, ...w.pkg.peerDependencies, ...w.pkg.optionalDependencies };
    for (const name of Object.keys(deps)) {
      const dep = byName.get(name);
      if (dep) visit(dep, [...chain, w.pkg.name]);
    }
    done.add(w.pkg.name);
    ordered.push(w);
  };
  for (const w of list) visit(w, []);
  return ordered;
}

module.exports = { REPO_ROOT, workspaces, publishableWorkspaces, inDependencyOrder };
