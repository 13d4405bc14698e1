/**
 * What the docs tell a user to type agrees with the code: every file of a
 * package they name exists (an installed path such as
 * `node_modules/@kapacitor-udf/cli/bin/udf-run.js` also ships in the
 * package's tarball), and docs/publishing.md gives each @kapacitor-udf
 * package the dependency kind the scaffold writes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { generatedPackageJson } from '../packages/create-kapacitor-udf/src';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from './support/build';

function markdownFiles(): string[] {
  const files = ['README.md', 'packages/create-kapacitor-udf/template/README.md'];
  for (const dir of ['docs', 'e2e', 'bench', 'conformance']) {
    for (const name of readdirSync(path.join(REPO_ROOT, dir))) if (name.endsWith('.md')) files.push(path.join(dir, name));
  }
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(path.join(REPO_ROOT, dir))) {
      const readme = path.join(dir, name, 'README.md');
      if (isFile(readme)) files.push(readme);
    }
  }
  return files;
}

function isFile(relative: string): boolean {
  try {
    return statSync(path.join(REPO_ROOT, relative)).isFile();
  } catch {
    return false;
  }
}

interface PathMention {
  doc: string;
  pkg: string;
  file: string;
  installed: boolean;
}

/** `packages/cli/dist/bin/udf-run.js` (in the repository) and `@kapacitor-udf/cli/bin/udf-run.js` (installed). */
function mentions(): PathMention[] {
  const found: PathMention[] = [];
  for (const doc of markdownFiles()) {
    const text = readFileSync(path.join(REPO_ROOT, doc), 'utf8');
    for (const m of text.matchAll(/(packages\/|@kapacitor-udf\/)([a-z-]+)\/((?:[\w.-]+\/)*[\w-]+\.(?:json|js|ts))\b/g)) {
      found.push({ doc, pkg: m[2], file: m[3], installed: m[1] === '@kapacitor-udf/' });
    }
  }
  return found;
}

describe('the docs', () => {
  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  it('name files of the packages that exist, and installed paths that ship', () => {
    const all = mentions();
    expect(all.filter((m) => m.installed && m.pkg === 'cli' && m.file === 'bin/udf-run.js').length).toBeGreaterThan(5);
    const wrong: string[] = [];
    for (const m of all) {
      const where = `${m.doc}: ${m.installed ? '@kapacitor-udf/' : 'packages/'}${m.pkg}/${m.file}`;
      const pkgDir = path.join('packages', m.pkg);
      if (!isFile(path.join(pkgDir, m.file))) {
        wrong.push(`${where} does not exist`);
        continue;
      }
      // npm always packs package.json, whatever "files" says.
      if (m.installed && m.file !== 'package.json') {
        const files: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, pkgDir, 'package.json'), 'utf8')).files ?? [];
        if (!files.includes(m.file.split('/')[0])) wrong.push(`${where} is not in the package's "files"`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('publishing.md gives the @kapacitor-udf packages the dependency kinds the scaffold writes', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'publishing.md'), 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## What the package declares')))?.[1];
    const documented = JSON.parse(json as string) as Record<string, Record<string, string> | undefined>;
    const scaffold = generatedPackageJson('x', '0.1.0') as Record<string, Record<string, string> | undefined>;
    const kinds = (manifest: Record<string, Record<string, string> | undefined>) =>
      Object.fromEntries(
        (['dependencies', 'devDependencies'] as const).flatMap((kind) =>
          Object.keys(manifest[kind] ?? {})
            .filter((name) => name.startsWith('@kapacitor-udf/'))
            .map((name) => [name, kind]),
        ),
      );
    expect(kinds(documented)).toEqual(kinds(scaffold));
  });
});
