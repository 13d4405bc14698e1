import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPackage, EXAMPLE_UDF_NAME, ScaffoldError, type ScaffoldErrorCode } from '../src';

const OWN_VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;

const EXPECTED_FILES = [
  '.gitignore',
  'README.md',
  'jest.config.js',
  'package.json',
  'src/deadband.ts',
  'src/index.ts',
  'test/deadband.test.ts',
  'tsconfig.build.json',
  'tsconfig.json',
];

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const read = (...path: string[]) => readFileSync(join(work, ...path), 'utf8');

/** Every file below `dir`, relative, sorted. */
function filesIn(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesIn(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

function refusal(code: ScaffoldErrorCode, run: () => unknown): ScaffoldError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ScaffoldError);
    expect((err as ScaffoldError).code).toBe(code);
    return err as ScaffoldError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('createPackage', () => {
  it('writes the whole package, named after its directory', () => {
    const created = createPackage({ dir: 'my-udfs', cwd: work });
    expect(created).toEqual({ dir: join(work, 'my-udfs'), name: 'my-udfs', files: EXPECTED_FILES });
    expect(filesIn(join(work, 'my-udfs'))).toEqual(EXPECTED_FILES);
  });

  it('writes a package.json that udf-run, npm and the tests can use', () => {
    createPackage({ dir: 'my-udfs', cwd: work });
    const pkg = JSON.parse(read('my-udfs', 'package.json'));
    const framework = `^${OWN_VERSION}`;
    expect(pkg).toMatchObject({
      name: 'my-udfs',
      main: 'dist/index.js',
      kapacitorUdf: { modules: ['dist/index.js'] },
      scripts: { build: 'tsc -p tsconfig.build.json', test: 'jest', prepack: 'npm run build', start: `udf-run ${EXAMPLE_UDF_NAME}` },
      engines: { node: '>=20' },
      dependencies: { '@kapacitor-udf/cli': framework, '@kapacitor-udf/decorators': framework, 'class-validator': '^0.15.1' },
    });
    expect(Object.keys(pkg.devDependencies)).toEqual([
      '@kapacitor-udf/testing',
      '@types/jest',
      '@types/node',
      'jest',
      'ts-jest',
      'typescript',
    ]);
    expect(pkg.devDependencies['@kapacitor-udf/testing']).toBe(framework);
  });

  it('configures TypeScript for class-validator and jest for ts-jest', () => {
    createPackage({ dir: 'my-udfs', cwd: work });
    // tsconfig.json has comments (JSON with comments, as tsc reads it): look for the settings.
    expect(read('my-udfs', 'tsconfig.json')).toMatch(/"experimentalDecorators": true/);
    expect(read('my-udfs', 'tsconfig.build.json')).toMatch(/"outDir": "dist"/);
    expect(read('my-udfs', 'jest.config.js')).toMatch(/ts-jest/);
    expect(read('my-udfs', '.gitignore').split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'dist/']));
  });

  it('writes a UDF with an option, a validator, state and a point handler, and its test', () => {
    createPackage({ dir: 'my-udfs', cwd: work });
    const source = read('my-udfs', 'src', 'deadband.ts');
    expect(source).toContain(`name: '${EXAMPLE_UDF_NAME}'`);
    expect(source).toMatch(/wants: 'stream',\s+provides: 'stream'/);
    for (const part of ['@Option(', '@Min(0)', '@State()', '@OnPoint()']) expect(source).toContain(part);
    const test = read('my-udfs', 'test', 'deadband.test.ts');
    for (const part of ['UdfHarness.create(', '.init(', '.points(', '.snapshot()', '.restore(']) expect(test).toContain(part);
  });

  it('writes a README with the kapacitor.conf sections and the TICKscript line, names filled in', () => {
    createPackage({ dir: 'udf-dir', name: '@acme/udfs', cwd: work });
    const readme = read('udf-dir', 'README.md');
    expect(readme).toMatch(/^# @acme\/udfs\n/);
    expect(readme).not.toMatch(/__[A-Z_]+__/);
    expect(readme).toContain('npx udf-run deadband --describe');
    expect(readme).toContain(
      'args = ["/srv/udf-dir/node_modules/@kapacitor-udf/cli/dist/bin/udf-run.js", "deadband", "--dir", "/srv/udf-dir"]',
    );
    expect(readme).toContain('node /srv/udf-dir/node_modules/@kapacitor-udf/cli/dist/bin/udf-run.js deadband --dir /srv/udf-dir --socket ');
    expect(readme).toMatch(/socket = "\/var\/run\/kapacitor\/deadband.sock"/);
    expect(readme).toMatch(/npx does not pass SIGTERM/);
    expect(readme).toMatch(/@deadband\(\)\s+\.field\('value'\)\s+\.threshold\(0\.5\)/);
    expect(readme).toMatch(/experimentalDecorators/);
    expect(JSON.parse(read('udf-dir', 'package.json')).name).toBe('@acme/udfs');
  });

  it('writes into an existing empty directory, or one holding only .git', () => {
    mkdirSync(join(work, 'empty'));
    expect(createPackage({ dir: 'empty', cwd: work }).files).toEqual(EXPECTED_FILES);
    mkdirSync(join(work, 'repo', '.git'), { recursive: true });
    createPackage({ dir: 'repo', cwd: work });
    expect(existsSync(join(work, 'repo', 'package.json'))).toBe(true);
  });

  it('refuses a non-empty directory without --force, writing nothing', () => {
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'busy', 'notes.txt'), 'mine');
    const err = refusal('ERR_TARGET_NOT_EMPTY', () => createPackage({ dir: 'busy', cwd: work }));
    expect(err.message).toMatch(/notes\.txt/);
    expect(err.message).toMatch(/--force/);
    expect(readdirSync(join(work, 'busy'))).toEqual(['notes.txt']);
  });

  it('with force, writes into a non-empty directory, replacing its files and keeping the others', () => {
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'busy', 'notes.txt'), 'mine');
    writeFileSync(join(work, 'busy', 'package.json'), '{"name":"old"}');
    createPackage({ dir: 'busy', cwd: work, force: true });
    expect(read('busy', 'notes.txt')).toBe('mine');
    expect(JSON.parse(read('busy', 'package.json')).name).toBe('busy');
  });

  it('refuses a target that is a file, even with force', () => {
    writeFileSync(join(work, 'file'), '');
    refusal('ERR_TARGET_NOT_DIRECTORY', () => createPackage({ dir: 'file', cwd: work, force: true }));
  });

  it('refuses a directory name that is no package name, suggesting --name', () => {
    const err = refusal('ERR_INVALID_PACKAGE_NAME', () => createPackage({ dir: 'My UDFs', cwd: work }));
    expect(err.message).toMatch(/"My UDFs" \(taken from the directory name\) is not a valid npm package name: .*capital/);
    expect(err.message).toMatch(/--name my-udfs/);
    expect(existsSync(join(work, 'My UDFs'))).toBe(false);
    expect(createPackage({ dir: 'My UDFs', name: 'my-udfs', cwd: work }).name).toBe('my-udfs');
  });

  it('refuses an invalid --name', () => {
    const err = refusal('ERR_INVALID_PACKAGE_NAME', () => createPackage({ dir: 'x', name: 'Bad Name', cwd: work }));
    expect(err.message).toMatch(/^"Bad Name" is not a valid npm package name/);
    expect(err.message).toMatch(/Choose another name, e\.g\. --name bad-name/);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});
