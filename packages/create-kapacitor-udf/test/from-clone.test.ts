/**
 * `--from <clone>`: the framework packages packed from this repository into
 * the new package's vendor/ and named by file: specs, so that its
 * `npm install` never asks the registry for a @kapacitor-udf package.
 * (.ci/fresh-copy.sh installs, tests and runs such a package for real.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../../../test/support/build';
import { main, type ScaffoldIo } from '../src';
import { FRAMEWORK_PACKAGES, ownClone, tarballName } from '../src/from-clone';

const VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'core', 'package.json'), 'utf8')).version;

let work: string;
beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-from-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: ScaffoldIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd: work };
  return { code: main(argv, io), out, err };
}

describe('create-kapacitor-udf --from <clone>', () => {
  it('packs every @kapacitor-udf package the framework packages depend on', () => {
    // A package the cli or testing depends on but that is not packed would be
    // looked up on the registry (E404 before it is published).
    for (const short of FRAMEWORK_PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', short, 'package.json'), 'utf8'));
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        if (dep.startsWith('@kapacitor-udf/')) expect(FRAMEWORK_PACKAGES).toContain(dep.slice('@kapacitor-udf/'.length));
      }
    }
  });

  it('packs every framework package into vendor/ and installs all of them from there', () => {
    const { code, out, err } = run(['my-udfs', '--from', REPO_ROOT]);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain(`packed from ${REPO_ROOT} into vendor/`);
    expect(out).not.toMatch(/E404/);
    const pkg = join(work, 'my-udfs');
    const files = FRAMEWORK_PACKAGES.map((short) => tarballName(`@kapacitor-udf/${short}`, VERSION));
    expect(readdirSync(join(pkg, 'vendor')).sort()).toEqual([...files].sort());

    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    const spec = (short: string) => `file:vendor/${tarballName(`@kapacitor-udf/${short}`, VERSION)}`;
    expect(manifest.dependencies['@kapacitor-udf/cli']).toBe(spec('cli'));
    expect(manifest.dependencies['@kapacitor-udf/decorators']).toBe(spec('decorators'));
    expect(manifest.devDependencies['@kapacitor-udf/testing']).toBe(spec('testing'));
    // Every one, the ones only the framework packages depend on included, for the whole tree.
    expect(manifest.overrides).toEqual(Object.fromEntries(FRAMEWORK_PACKAGES.map((s) => [`@kapacitor-udf/${s}`, spec(s)])));
    // npm refuses an override of a direct dependency unless the specs are equal.
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const [name, range] of Object.entries(deps)) if (name in manifest.overrides) expect(manifest.overrides[name]).toBe(range);
    }
    // The tarballs are the packages as published: built, with their manifests.
    for (const short of FRAMEWORK_PACKAGES) {
      const tarball = join(pkg, 'vendor', tarballName(`@kapacitor-udf/${short}`, VERSION));
      const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(listing).toContain('package/dist/index.js');
      const packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
      expect([packed.name, packed.version]).toEqual([`@kapacitor-udf/${short}`, VERSION]);
    }
    // Not shipped when the package is published; explained in its README.
    expect(manifest.files).not.toContain('vendor');
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    expect(readme).toMatch(/## The framework packages in `vendor\/`/);
    expect(readme).toContain(`write \`^${VERSION}\` for each`);
  }, 120_000);

  it('refuses a directory that is no clone before writing anything', () => {
    const { code, err } = run(['my-udfs', '--from', work]);
    expect(code).toBe(1);
    expect(err).toMatch(/^create-kapacitor-udf: --from .*: not a clone of the kapacitor-udf repository/);
    expect(existsSync(join(work, 'my-udfs'))).toBe(false);
  });

  it('without --from, run from a clone, says how to use the clone when the packages are not published', () => {
    expect(ownClone()).toBe(REPO_ROOT);
    const { code, out } = run(['my-udfs']);
    expect(code).toBe(0);
    expect(out).toMatch(/runs from a clone .*\n.*\^\d+\.\d+\.\d+ from the registry.*\n.*E404/);
    expect(out).toContain(`--force --from ${REPO_ROOT}`);
    expect(existsSync(join(work, 'my-udfs', 'vendor'))).toBe(false);
  });
});
