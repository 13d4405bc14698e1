import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    expect(readme).toContain('args = ["/srv/udf-dir/node_modules/@kapacitor-udf/cli/bin/udf-run.js", "deadband", "--dir", "/srv/udf-dir"]');
    expect(readme).toContain('node /srv/udf-dir/node_modules/@kapacitor-udf/cli/bin/udf-run.js deadband --dir /srv/udf-dir --socket ');
    expect(readme).toMatch(/socket = "\/var\/run\/kapacitor\/deadband.sock"/);
    expect(readme).toMatch(/npx does not pass SIGTERM/);
    expect(readme).toMatch(/@deadband\(\)\s+\.field\('value'\)\s+\.threshold\(0\.5\)/);
    expect(readme).toMatch(/experimentalDecorators/);
    expect(JSON.parse(read('udf-dir', 'package.json')).name).toBe('@acme/udfs');
  });

  it('quotes a directory name in the shell lines and the kapacitor.conf strings of its README', () => {
    const dirName = `it's "$HOME" \\`;
    createPackage({ dir: dirName, name: 'odd', cwd: work });
    const readme = read(dirName, 'README.md');
    const deployDir = `/srv/${dirName}`;
    const udfRun = `${deployDir}/node_modules/@kapacitor-udf/cli/bin/udf-run.js`;
    // The socket line, run by a real shell, gets the two paths as single words, unexpanded.
    const line = /^node (.*) --socket \S+$/m.exec(readme)?.[1];
    expect(line).toBeDefined();
    const words = execFileSync('sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' }).split('\0');
    expect(words.slice(0, 4)).toEqual([udfRun, 'deadband', '--dir', deployDir]);
    // The TOML strings, read back (as JSON: the escapes used are common to both).
    const args = /^\s+args = (\[.*\])$/m.exec(readme)?.[1];
    expect(JSON.parse(args as string)).toEqual([udfRun, 'deadband', '--dir', deployDir]);
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

  it('with force, never writes through a symbolic link out of the target, writing nothing', () => {
    const outside = join(work, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'package.json'), 'theirs');
    for (const [linked, to] of [
      ['package.json', join(outside, 'package.json')],
      ['src', outside],
      ['test', join(work, 'missing')], // a dangling link would be created through, too
    ]) {
      const dir = join(work, `busy-${linked}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'notes.txt'), 'mine');
      symlinkSync(to, join(dir, linked));
      const err = refusal('ERR_TARGET_HAS_LINK', () => createPackage({ dir, name: 'busy', cwd: work, force: true }));
      expect(err.message).toContain(`${join(dir, linked)} is a symbolic link`);
      expect(readdirSync(dir).sort()).toEqual(['notes.txt', linked].sort());
    }
    expect(readdirSync(outside)).toEqual(['package.json']);
    expect(readFileSync(join(outside, 'package.json'), 'utf8')).toBe('theirs');
    expect(existsSync(join(work, 'missing'))).toBe(false);
  });

  it('with force, replaces a hard-linked file by a new one, leaving the other name as it was', () => {
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'elsewhere.json'), 'theirs');
    linkSync(join(work, 'elsewhere.json'), join(work, 'busy', 'package.json'));
    createPackage({ dir: 'busy', cwd: work, force: true });
    expect(JSON.parse(read('busy', 'package.json')).name).toBe('busy');
    expect(readFileSync(join(work, 'elsewhere.json'), 'utf8')).toBe('theirs');
  });

  it('with force, refuses a directory where a file goes and a file where a directory goes', () => {
    mkdirSync(join(work, 'a', 'README.md'), { recursive: true });
    refusal('ERR_TARGET_NOT_DIRECTORY', () => createPackage({ dir: 'a', cwd: work, force: true }));
    mkdirSync(join(work, 'b'));
    writeFileSync(join(work, 'b', 'src'), '');
    refusal('ERR_TARGET_NOT_DIRECTORY', () => createPackage({ dir: 'b', cwd: work, force: true }));
    expect(readdirSync(join(work, 'b'))).toEqual(['src']);
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

  it('refuses a --from that is no clone of kapacitor-udf, writing nothing', () => {
    const err = refusal('ERR_NOT_A_CLONE', () => createPackage({ dir: 'x', from: work, cwd: work }));
    expect(err.message).toContain(`--from ${work}: not a clone of the kapacitor-udf repository`);
    expect(err.message).toContain(join(work, 'packages', 'core', 'package.json'));
    expect(existsSync(join(work, 'x'))).toBe(false);
  });

  it('refuses an invalid --name', () => {
    const err = refusal('ERR_INVALID_PACKAGE_NAME', () => createPackage({ dir: 'x', name: 'Bad Name', cwd: work }));
    expect(err.message).toMatch(/^"Bad Name" is not a valid npm package name/);
    expect(err.message).toMatch(/Choose another name, e\.g\. --name bad-name/);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});
