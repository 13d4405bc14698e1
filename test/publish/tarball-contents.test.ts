/**
 * Packages as users get them: what `npm pack` puts in each publishable
 * package's tarball (its prepack script runs, as it does before a publish).
 * A tarball must carry no build bookkeeping (.tsbuildinfo), source maps whose
 * sources are in it (or inlined), LICENSE and README, and every file its
 * `main`, `types`, `bin` and `exports` name. The publishable packages come
 * from the root package.json's workspaces, so a new one is checked too.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../support/build';
import { type PackageJson, publishableWorkspaces, type Workspace, workspaces } from './lib/workspaces';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackResult {
  name: string;
  files: { path: string; mode: number }[];
}

async function packDryRun(dir: string): Promise<PackResult> {
  const { stdout } = await run(npm, ['pack', '--dry-run', '--json'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const results = JSON.parse(stdout) as PackResult[];
  expect(results).toHaveLength(1);
  return results[0];
}

/** Every file path a package.json field points at, without a leading "./". */
function entryPoints(pkg: PackageJson): { field: string; target: string }[] {
  const out: { field: string; target: string }[] = [];
  const clean = (p: string) => posix.normalize(p).replace(/^\.\//, '');
  if (typeof pkg.main === 'string') out.push({ field: 'main', target: clean(pkg.main) });
  if (typeof pkg.types === 'string') out.push({ field: 'types', target: clean(pkg.types) });
  if (typeof pkg.bin === 'string') out.push({ field: 'bin', target: clean(pkg.bin) });
  else if (pkg.bin) for (const [name, p] of Object.entries(pkg.bin)) out.push({ field: `bin.${name}`, target: clean(p) });
  const walk = (value: unknown, field: string): void => {
    if (typeof value === 'string') out.push({ field, target: clean(value) });
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${field}[${i}]`);
    } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${field}["${k}"]`);
  };
  walk(pkg.exports, 'exports');
  return out;
}

/** A target with a `*` (subpath pattern) needs at least one file matching it. */
function targetPresent(target: string, files: Set<string>): boolean {
  if (!target.includes('*')) return files.has(target);
  const [head, tail] = target.split('*', 2);
  return [...files].some((f) => f.startsWith(head) && f.endsWith(tail) && f.length >= head.length + tail.length);
}

interface SourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
}

/** Sources of a map in the tarball that are neither inlined nor shipped. */
function unresolvedSources(pkgDir: string, mapPath: string, files: Set<string>): string[] {
  const map = JSON.parse(readFileSync(join(pkgDir, mapPath), 'utf8')) as SourceMap;
  return map.sources.filter((source, i) => {
    if (typeof map.sourcesContent?.[i] === 'string') return false;
    const inPackage = posix.normalize(posix.join(posix.dirname(mapPath), map.sourceRoot ?? '', source));
    return !files.has(inPackage);
  });
}

const publishable = publishableWorkspaces();

describe('publishable packages (from the root workspaces)', () => {
  it('are the framework packages at least', () => {
    const names = publishable.map((w) => w.pkg.name);
    for (const name of ['core', 'decorators', 'transports', 'replay', 'cli', 'testing']) {
      expect(names).toContain(`@kapacitor-udf/${name}`);
    }
  });
});

describe.each(publishable.map((w): [string, Workspace] => [w.pkg.name, w]))('npm pack of %s', (_name, { dir, pkg }) => {
  let files: Set<string>;

  beforeAll(async () => {
    // The prepack script is an incremental `tsc -b`: built once here, it only
    // checks (parallel jest workers never compile the same files at once).
    ensureBuilt();
    files = new Set((await packDryRun(dir)).files.map((f) => f.path));
  }, BUILD_TIMEOUT_MS);

  it('builds itself before packing (prepack: tsc -b)', () => {
    expect(pkg.scripts?.prepack).toMatch(/^tsc -b\b/);
  });

  it('holds no .tsbuildinfo', () => {
    expect([...files].filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('holds LICENSE and README.md', () => {
    expect(files.has('LICENSE')).toBe(true);
    expect(files.has('README.md')).toBe(true);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('holds every file that main, types, bin and exports name', () => {
    const missing = entryPoints(pkg).filter(({ target }) => !targetPresent(target, files));
    expect(missing).toEqual([]);
  });

  it('has source maps whose sources are in the tarball or inlined', () => {
    const maps = [...files].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const broken = maps.map((m) => ({ map: m, missing: unresolvedSources(dir, m, files) })).filter((b) => b.missing.length > 0);
    expect(broken).toEqual([]);
  });

  it('holds compiled JavaScript, not only sources', () => {
    expect([...files].some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
  });
});

describe('workspace dependencies', () => {
  const all = workspaces();
  const versions = new Map(all.map((w) => [w.pkg.name, w.pkg.version]));

  it.each(all.map((w): [string, Workspace] => [relative(REPO_ROOT, w.dir), w]))(
    '%s depends on packages of this repository by a caret range of their current version',
    (_dir, { pkg }) => {
      const wrong: string[] = [];
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const) {
        for (const [name, range] of Object.entries(pkg[field] ?? {})) {
          const version = versions.get(name);
          if (version !== undefined && range !== `^${version}`) wrong.push(`${field}.${name}: "${range}" (want "^${version}")`);
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  it('examples are private (never published)', () => {
    const examples = all.filter((w) => relative(REPO_ROOT, dirname(w.dir)) === 'examples');
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.filter((w) => w.pkg.private !== true).map((w) => w.pkg.name)).toEqual([]);
  });
});
