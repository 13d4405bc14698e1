/**
 * Every workspace package declares exactly what its shipped code imports:
 * each bare import of src/ (and of a committed bin/) is in "dependencies"
 * or "peerDependencies", and each of those is imported somewhere. Folders
 * the package's "files" leaves out ("!src/generated") are not shipped, so
 * their imports may be devDependencies. A missing
 * declaration works in this workspace (everything is hoisted) and breaks for
 * a user who installs the package alone; an unused one is dead weight.
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Manifest {
  name: string;
  workspaces?: string[];
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function workspaceDirs(): string[] {
  const { workspaces = [] } = readJson<Manifest>(path.join(ROOT, 'package.json'));
  return workspaces
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [path.join(ROOT, pattern)];
      const parent = path.join(ROOT, pattern.slice(0, -2));
      return fs.readdirSync(parent).map((name) => path.join(parent, name));
    })
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const BUILTINS = new Set(builtinModules);
// import x from '…' / import type … from '…' / export … from '…' / import('…') /
// require('…') / require.resolve('…') (a package looked up at run time) / import '…'
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

/** The packages a file imports by bare specifier (no relative paths, no Node built-ins). */
function importedPackages(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const names: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[2];
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || BUILTINS.has(spec)) continue;
    const parts = spec.split('/');
    names.push(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

const packages = workspaceDirs().map((dir) => ({ dir, manifest: readJson<Manifest>(path.join(dir, 'package.json')) }));

test('the workspace has packages to check', () => {
  expect(packages.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@kapacitor-udf/core', '@kapacitor-udf/cli']));
});

describe.each(packages.map((p) => [p.manifest.name, p] as const))('%s', (_name, { dir, manifest }) => {
  test('declares exactly the packages its src/ and bin/ import', () => {
    const imported = new Set<string>();
    const unshipped = (manifest.files ?? []).filter((f) => f.startsWith('!')).map((f) => path.join(dir, f.slice(1)) + path.sep);
    const shipped = (file: string) => !unshipped.some((folder) => file.startsWith(folder));
    for (const file of [...sourceFiles(path.join(dir, 'src')), ...sourceFiles(path.join(dir, 'bin'))].filter(shipped)) {
      for (const name of importedPackages(file)) if (name !== manifest.name) imported.add(name);
    }
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    expect({
      undeclared: [...imported].filter((n) => !declared.has(n)).sort(),
      unused: [...declared].filter((n) => !imported.has(n)).sort(),
    }).toEqual({
      undeclared: [],
      unused: [],
    });
  });
});
