/**
 * The public API of each package is what its src/index.ts exports, and each
 * README lists all of it in its "Public API" section. What our packages share
 * among themselves and users never need is the package's internal API: its
 * src/internal.ts, the package.json export "./internal", listed in the
 * README's "Internal API" section and never exported from the index too.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const PACKAGES = ['core', 'decorators', 'transports', 'replay', 'cli', 'testing'];

function exportedNames(pkg: string, entry = 'index'): string[] {
  const file = path.join(ROOT, 'packages', pkg, 'src', `${entry}.ts`);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    // `export *` would export whatever a module has: not allowed in an index.
    expect(clause !== undefined && ts.isNamedExports(clause)).toBe(true);
    for (const element of (clause as ts.NamedExports).elements) names.push(element.name.text);
  }
  return names;
}

function listedNames(section: string): Set<string> {
  return new Set([...section.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]));
}

function apiSection(pkg: string, title = 'Public API'): string {
  const readme = readFileSync(path.join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe.each(PACKAGES)('@kapacitor-udf/%s', (pkg) => {
  it('lists every export in the README', () => {
    const section = apiSection(pkg);
    const listed = listedNames(section);
    const names = exportedNames(pkg);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !listed.has(name))).toEqual([]);
    // And nothing listed that is not exported (a removed export stays out of the docs).
    expect([...listed].filter((name) => !names.includes(name))).toEqual([]);
  });
});

describe.each(PACKAGES)('@kapacitor-udf/%s/internal', (pkg) => {
  const hasInternal = existsSync(path.join(ROOT, 'packages', pkg, 'src', 'internal.ts'));
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
    typesVersions?: Record<string, Record<string, string[]>>;
  };

  it('is exported by package.json exactly when src/internal.ts exists', () => {
    expect(manifest.exports['./internal']).toEqual(
      hasInternal ? { types: './dist/internal.d.ts', default: './dist/internal.js' } : undefined,
    );
    // TypeScript's "node" module resolution ignores "exports": typesVersions points it at the same file.
    expect(manifest.typesVersions?.['*']?.internal).toEqual(hasInternal ? ['dist/internal.d.ts'] : undefined);
  });
});

const WITH_INTERNAL = PACKAGES.filter((pkg) => existsSync(path.join(ROOT, 'packages', pkg, 'src', 'internal.ts')));

test('core shares internals with the other packages', () => {
  expect(WITH_INTERNAL).toContain('core');
});

describe.each(WITH_INTERNAL)('@kapacitor-udf/%s/internal', (pkg) => {
  it('is listed in the README, apart from the public API', () => {
    const internal = exportedNames(pkg, 'internal');
    expect(internal.length).toBeGreaterThan(0);
    const listed = listedNames(apiSection(pkg, 'Internal API'));
    expect(internal.filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => !internal.includes(name))).toEqual([]);
    // One name, one entry point: nothing internal is public as well.
    const publicNames = exportedNames(pkg);
    expect(internal.filter((name) => publicNames.includes(name))).toEqual([]);
  });
});
