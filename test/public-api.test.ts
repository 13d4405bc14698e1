/**
 * The public API of each package is what its src/index.ts exports, and each
 * README lists all of it in its "Public API" section.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const PACKAGES = ['core', 'decorators', 'transports', 'replay', 'cli', 'testing'];

function exportedNames(pkg: string): string[] {
  const file = path.join(ROOT, 'packages', pkg, 'src', 'index.ts');
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

function apiSection(pkg: string): string {
  const readme = readFileSync(path.join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Public API\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe.each(PACKAGES)('@kapacitor-udf/%s', (pkg) => {
  it('lists every export in the README', () => {
    const section = apiSection(pkg);
    const listed = new Set([...section.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]));
    const names = exportedNames(pkg);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !listed.has(name))).toEqual([]);
    // And nothing listed that is not exported (a removed export stays out of the docs).
    expect([...listed].filter((name) => !names.includes(name))).toEqual([]);
  });
});
