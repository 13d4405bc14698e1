/**
 * Proof that a generated package works against the current framework
 * packages, without a registry: the package is written by the real bin into a
 * directory outside this repository, its node_modules links the workspace
 * packages and this repository's tools (what `npm install` would put there),
 * and then its own scripts run: `npm test` (its jest config, ts-jest, its
 * tsconfig), `npm run build`, and the built UDF is driven over a real pipe by
 * udf-run, found through "kapacitorUdf" as Kapacitor would run it.
 * (~20-60 s: one type-checking jest run and one tsc build.)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { point, pointsOf, UdfHarness } from '@kapacitor-udf/testing';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../../../test/support/build';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const BIN = join(__dirname, '..', 'bin', 'create-kapacitor-udf.js');

/**
 * The generated package's dependencies, each linked to where this repository
 * has it: the @kapacitor-udf packages to the workspace packages (built with
 * `tsc -b`, as they would be published), the others to wherever npm
 * installed them for the repository.
 */
function dependencyLinks(manifest: {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}): Record<string, string> {
  const links: Record<string, string> = {};
  for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]) {
    links[name] = name.startsWith('@kapacitor-udf/')
      ? join(REPO_ROOT, 'packages', name.slice('@kapacitor-udf/'.length))
      : dirname(require.resolve(`${name}/package.json`, { paths: [REPO_ROOT] }));
  }
  return links;
}

/** The commands npm would link into node_modules/.bin from those packages. */
const BINS: Record<string, string> = {
  jest: 'jest/bin/jest.js',
  tsc: 'typescript/bin/tsc',
  'udf-run': '@kapacitor-udf/cli/dist/bin/udf-run.js',
};

/**
 * The environment of the package's scripts: npm's variables of the run that
 * started this test (`npm_config_*`, `npm_package_*`...) would be read as the
 * inner npm's configuration, so they are left out.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** Runs a command in the package; on failure the error shows its output. */
async function inPackage(dir: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd: dir, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

describe('a generated package, against the current workspace packages', () => {
  let work: string;
  let pkg: string;

  beforeAll(async () => {
    ensureBuilt();
    // realpath: on macOS the temp dir is a symlink, and udf-run reports real paths.
    work = realpathSync(mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-gen-')));
    const out = await inPackage(work, process.execPath, [BIN, 'my-udfs']);
    expect(out).toMatch(/Next steps:/);
    pkg = join(work, 'my-udfs');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    for (const [name, target] of Object.entries(dependencyLinks(manifest))) {
      const link = join(pkg, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
    }
    mkdirSync(join(pkg, 'node_modules', '.bin'));
    for (const [name, target] of Object.entries(BINS)) symlinkSync(join('..', target), join(pkg, 'node_modules', '.bin', name));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('passes its own npm test (ts-jest type-checks the UDF and its test)', async () => {
    // jest reports on stderr; a failing test makes `npm test` exit non-zero and inPackage throw.
    await inPackage(pkg, npm, ['test', '--silent']);
  }, 180_000);

  it('type-checks src and test with its tsconfig', async () => {
    await inPackage(pkg, process.execPath, [join(pkg, 'node_modules/.bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
  }, 120_000);

  describe('built with npm run build', () => {
    beforeAll(() => inPackage(pkg, npm, ['run', 'build', '--silent']), 120_000);

    it('emits dist/index.js, the module "kapacitorUdf" names, with type declarations', () => {
      const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
      expect(manifest.kapacitorUdf.modules).toEqual(['dist/index.js']);
      expect(readFileSync(join(pkg, 'dist/index.js'), 'utf8')).toMatch(/Deadband/);
      expect(readFileSync(join(pkg, 'dist/deadband.d.ts'), 'utf8')).toMatch(/class Deadband/);
    });

    it('is found by its start script (udf-run deadband)', async () => {
      const out = await inPackage(pkg, npm, ['start', '--silent', '--', '--describe']);
      expect(out).toMatch(/^deadband - /);
      expect(out).toContain(`"deadband", "--dir", "${pkg}"`);
      expect(out).toMatch(/\.threshold\(double\)\s+default 1\.0/);
    }, 60_000);

    it('runs as a process UDF under udf-run: Info, Init, points, a refused option', async () => {
      const h = await UdfHarness.spawn('deadband', { cwd: pkg });
      try {
        const info = await h.info();
        expect(Object.keys(info.options).sort()).toEqual(['field', 'threshold']);
        expect(await h.init({ field: 'value', threshold: 0.5 })).toEqual({ success: true, error: '' });
        const out = await h.points([1.0, 1.2, 1.6].map((value) => point({ tags: { host: 'a' }, dimensions: ['host'], fields: { value } })));
        expect(pointsOf(out).map((p) => p.fieldsDouble.value)).toEqual([1.0, 1.6]);
        await h.close();
      } catch (err) {
        await h.close().catch(() => undefined);
        throw err;
      }
      const refused = await UdfHarness.spawn('deadband', { cwd: pkg });
      expect(await refused.init({ field: 'value', threshold: -0.5 })).toEqual({
        success: false,
        error: "option 'threshold': must not be less than 0 (given -0.5)",
      });
      await refused.close();
    }, 60_000);
  });
});
