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

/** The bare specifiers a file imports (no relative paths, no Node built-ins), e.g. `@kapacitor-udf/core/internal`. */
function importedSpecifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const specs: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[2];
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || BUILTINS.has(spec)) continue;
    specs.push(spec);
  }
  return specs;
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages a file imports by bare specifier. */
function importedPackages(file: string): string[] {
  return importedSpecifiers(file).map(packageOf);
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

/**
 * docs/architecture.md draws the arrows between our packages as lines
 * `from -> to, to` in its "Dependency arrows" block; these are the arrows
 * the shipped code really has (src/ and bin/ imports), so the drawing cannot
 * go out of date.
 */
describe('docs/architecture.md dependency arrows', () => {
  const ours = new Map(packages.map((p) => [p.manifest.name, p]));
  // The framework's packages (packages/*); the examples (examples/*) are users of it.
  const isFramework = (dir: string): boolean => path.dirname(dir) === path.join(ROOT, 'packages');
  const short = (name: string): string => name.replace(/^@kapacitor-udf\//, '');
  const shipped = (dir: string): string[] => [...sourceFiles(path.join(dir, 'src')), ...sourceFiles(path.join(dir, 'bin'))];

  function drawnArrows(): Map<string, string[]> {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const block = /<!-- dependency-arrows -->\s*```text\n([\s\S]*?)```/.exec(doc);
    if (!block) throw new Error('docs/architecture.md has no "<!-- dependency-arrows -->" ```text block');
    const arrows = new Map<string, string[]>();
    for (const line of block[1].split('\n').filter((l) => l.trim() !== '')) {
      const [from, to] = line.split('->').map((s) => s.trim());
      arrows.set(from, to === '(nothing)' ? [] : to.split(',').map((s) => s.trim()));
    }
    return arrows;
  }

  function realArrows(): Map<string, string[]> {
    const arrows = new Map<string, string[]>();
    for (const { dir, manifest } of packages) {
      if (!isFramework(dir)) continue;
      const targets = new Set<string>();
      for (const file of shipped(dir)) {
        for (const name of importedPackages(file)) if (ours.has(name) && name !== manifest.name) targets.add(short(name));
      }
      arrows.set(short(manifest.name), [...targets].sort());
    }
    return arrows;
  }

  test('are the imports of each package', () => {
    const drawn = Object.fromEntries([...drawnArrows()].map(([from, to]) => [from, [...to].sort()]));
    expect(drawn).toEqual(Object.fromEntries(realArrows()));
  });

  test('point one way (no cycle)', () => {
    const arrows = realArrows();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      if (trail.includes(name)) throw new Error(`dependency cycle: ${[...trail, name].join(' -> ')}`);
      if (done.has(name)) return;
      for (const next of arrows.get(name) ?? []) visit(next, [...trail, name]);
      done.add(name);
    };
    for (const name of arrows.keys()) visit(name, []);
    expect(done.size).toBe(arrows.size);
  });

  test('reach into another package only through its entry points (".", "./internal", "./package.json")', () => {
    const deep: string[] = [];
    for (const { dir } of packages) {
      for (const file of shipped(dir)) {
        for (const spec of importedSpecifiers(file)) {
          if (!ours.has(packageOf(spec))) continue;
          const sub = spec.slice(packageOf(spec).length);
          if (sub !== '' && sub !== '/internal' && sub !== '/package.json') deep.push(`${path.relative(ROOT, file)}: ${spec}`);
        }
      }
    }
    expect(deep).toEqual([]);
  });

  test('leave ./internal to our packages: examples import only the public API', () => {
    const internal: string[] = [];
    for (const { dir } of packages) {
      if (isFramework(dir)) continue;
      for (const file of [...shipped(dir), ...sourceFiles(path.join(dir, 'test'))]) {
        for (const spec of importedSpecifiers(file)) if (spec.endsWith('/internal')) internal.push(`${path.relative(ROOT, file)}: ${spec}`);
      }
    }
    expect(packages.filter((p) => !isFramework(p.dir)).length).toBeGreaterThan(0);
    expect(internal).toEqual([]);
  });
});
