/**
 * udf-run's command line: finding UDFs (modules, the current package,
 * installed UDF packages), --list, --describe, --help, --version, and the
 * errors it must explain. Spawns the built binary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WirePeer } from '@kapacitor-udf/testing';
import { ensureBuilt } from '../support/build';
import { expectCase, info } from './helpers/messages';
import { BIN, FIXTURES, fixture, ROOT } from './helpers/paths';
import { killAllUdfRuns, runUdfRun, UdfRunProcess } from './helpers/udf-run';

const MIRROR = fixture('mirror-udfs.js');
let project: string;

/**
 * A user's project: its own UDF module listed in "kapacitorUdf", an
 * installed UDF package ("kapacitorUdf": true, entry point), and an
 * ordinary dependency that must not even be loaded.
 */
function createProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-run-project-'));
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  // The project resolves @kapacitor-udf/* from this repository's workspace.
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@kapacitor-udf'), path.join(dir, 'node_modules', '@kapacitor-udf'), 'dir');
  const udfSource = (className: string, name: string): string => `'use strict';
const { Udf, OnPoint } = require('@kapacitor-udf/decorators');
const { decorate } = require(${JSON.stringify(path.join(FIXTURES, 'decorate.js'))});
class ${className} { point(p) { return p; } }
decorate([OnPoint()], ${className}.prototype, 'point', null);
decorate([Udf({ name: '${name}', wants: 'stream', provides: 'stream', description: '${name} from ${className}' })], ${className});
exports.${className} = ${className};
`;
  write(
    'package.json',
    JSON.stringify({
      name: 'my-udfs',
      version: '1.0.0',
      kapacitorUdf: { modules: ['lib/udfs.js'] },
      dependencies: { 'published-udfs': '^1.0.0', 'esm-udfs': '^1.0.0', 'plain-dep': '^1.0.0', 'not-installed': '^1.0.0' },
    }),
  );
  write('lib/udfs.js', udfSource('LocalUdf', 'local'));
  write(
    'node_modules/published-udfs/package.json',
    JSON.stringify({ name: 'published-udfs', version: '1.0.0', main: 'index.js', kapacitorUdf: true }),
  );
  write('node_modules/published-udfs/index.js', udfSource('PublishedUdf', 'published'));
  // An ES-module package ("type": "module", .js files, an "exports" map).
  write(
    'node_modules/esm-udfs/package.json',
    JSON.stringify({
      name: 'esm-udfs',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { import: './lib/index.js' } },
      kapacitorUdf: true,
    }),
  );
  write(
    'node_modules/esm-udfs/lib/index.js',
    `import decorators from '@kapacitor-udf/decorators';
import helper from ${JSON.stringify(path.join(FIXTURES, 'decorate.js'))};
export class EsmPackageUdf { point(p) { return p; } }
helper.decorate([decorators.OnPoint()], EsmPackageUdf.prototype, 'point', null);
helper.decorate([decorators.Udf({ name: 'esmPackaged', wants: 'batch', provides: 'stream' })], EsmPackageUdf);
`,
  );
  write('node_modules/plain-dep/package.json', JSON.stringify({ name: 'plain-dep', version: '1.0.0', main: 'index.js' }));
  write('node_modules/plain-dep/index.js', "throw new Error('plain-dep must not be loaded');\n");
  return dir;
}

beforeAll(() => {
  ensureBuilt();
  project = createProject();
}, 120_000);

afterAll(async () => {
  await killAllUdfRuns();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('udf-run --help / --version', () => {
  test('--help prints usage and exits 0', async () => {
    const r = await runUdfRun(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toContain('--socket <path>');
    expect(r.stdout).toContain('kapacitorUdf');
  });

  test('--version prints the package name, version and location, so a user sees which udf-run ran', async () => {
    const r = await runUdfRun(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string };
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`@kapacitor-udf/cli ${pkg.version} (${path.join(ROOT, 'packages', 'cli')})\n`);
  });

  test('a wrong command line exits 2 with the reason', async () => {
    const none = await runUdfRun([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('which UDF should run?');
    // The example names a UDF that exists (examples/mirror's @Udf name).
    expect(none.stderr).toContain('"udf-run mirror"');
    const unknownFlag = await runUdfRun(['mirror', '--sockett', '/tmp/x']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('--sockett');
    const badMode = await runUdfRun(['mirror', '--socket', '/tmp/x.sock', '--socket-mode', '999']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--socket-mode');
  });
});

describe('udf-run --list', () => {
  test('lists the UDFs of explicit modules (CommonJS, ES module, TypeScript) with their source', async () => {
    const r = await runUdfRun(['--list', '--module', MIRROR, '--module', fixture('esm-udf.mjs'), '--module', fixture('ts-udf.ts')]);
    expect(r.stderr).not.toContain('udf-run:');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const row = (name: string): string | undefined => lines.find((l) => l.startsWith(`${name} `));
    expect(row('mirror')).toContain('stream -> stream');
    expect(row('mirror')).toContain(`class MirrorUdf (export "MirrorUdf" of ${MIRROR}, from --module)`);
    expect(row('BufferUdf')).toContain('class BufferUdf');
    expect(row('esmTag')).toContain(fixture('esm-udf.mjs'));
    expect(row('tsScale')).toContain(fixture('ts-udf.ts'));
  });

  test('finds the current package\'s "kapacitorUdf" modules and installed UDF packages', async () => {
    const r = await runUdfRun(['--list'], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^local\s+stream -> stream\s+class LocalUdf .*from package "my-udfs"/m);
    expect(r.stdout).toMatch(/^published\s+stream -> stream\s+class PublishedUdf .*from dependency "published-udfs"/m);
    expect(r.stdout).toMatch(/^esmPackaged\s+batch -> stream\s+class EsmPackageUdf .*from dependency "esm-udfs"/m);
    expect(r.stdout).not.toContain('plain-dep');
  });
});

describe('udf-run at a workspace root and beside a broken module', () => {
  test("at this repository's root, --list finds the example packages' UDFs and names each package", async () => {
    const r = await runUdfRun(['--list'], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mirror\s+stream -> stream\s+class Mirror .*from workspace package "@kapacitor-udf\/example-mirror"/m);
    expect(r.stdout).toMatch(/^movingAvg\s+stream -> stream\s+.*from workspace package "@kapacitor-udf\/example-moving-avg"/m);
    expect(r.stdout).toMatch(/^outliers\s+batch -> batch\s+.*from workspace package "@kapacitor-udf\/example-outliers"/m);
  });

  test('--list shows the loaded UDFs and the broken module with its error; a UDF that loaded still runs', async () => {
    const list = await runUdfRun(['--list', '--module', MIRROR, '--module', fixture('broken.js')]);
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(/^mirror\s+stream -> stream/m);
    expect(list.stdout).toContain(`could not load ${fixture('broken.js')}`);
    expect(list.stdout).toContain('broken fixture: this module fails while loading');

    const proc = new UdfRunProcess(['mirror', '--module', fixture('broken.js'), '--module', MIRROR]);
    const peer = new WirePeer(proc.child.stdout, proc.child.stdin);
    peer.send(info());
    expect(expectCase(await peer.next(), 'info').wants).toBe(0);
    peer.endInput();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.stderr).toContain(`warning: could not load ${fixture('broken.js')}`);
  });
});

describe('udf-run <name> --describe', () => {
  test('process mode: options, kapacitor.conf section with absolute paths, TICKscript example', async () => {
    const r = await runUdfRun(['MirrorUdf', '--describe', '--module', MIRROR]);
    expect(r.code).toBe(0);
    // What the module prints while loading goes to stderr, not into the report.
    expect(r.stdout).not.toContain('loading');
    expect(r.stderr).toContain('mirror-udfs.js loading');
    expect(r.stdout).toContain('mirror - Mirrors every point back.');
    expect(r.stdout).toContain('.field(string, double)');
    expect(r.stdout).toContain('add this double field to every point');
    expect(r.stdout).toContain('@mirror().field(');
    expect(r.stdout).toContain(
      [
        '[udf.functions.mirror]',
        `  prog = ${JSON.stringify(process.execPath)}`,
        `  args = [${JSON.stringify(BIN)}, "mirror", "--module", ${JSON.stringify(MIRROR)}]`,
        '  timeout = "10s"',
      ].join('\n'),
    );
  });

  test('socket mode: the socket section and how to start the server', async () => {
    const r = await runUdfRun(['mirror', '--describe', '--module', MIRROR, '--socket', '/tmp/mirror.sock']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(['[udf.functions.mirror]', '  socket = "/tmp/mirror.sock"', '  timeout = "10s"'].join('\n'));
    expect(r.stdout).toContain(`${process.execPath} ${BIN} mirror --module ${MIRROR} --socket /tmp/mirror.sock`);
  });

  test('a UDF from an installed package: the section pins the project with --dir, and that command really serves it', async () => {
    const r = await runUdfRun(['published', '--describe'], { cwd: project });
    expect(r.code).toBe(0);
    const realProject = fs.realpathSync(project);
    expect(r.stdout).toContain(`  args = [${JSON.stringify(BIN)}, "published", "--dir", ${JSON.stringify(realProject)}]`);

    // Run exactly those args from elsewhere, as kapacitord would.
    const proc = new UdfRunProcess(['published', '--dir', realProject], { cwd: os.tmpdir() });
    const peer = new WirePeer(proc.child.stdout, proc.child.stdin);
    peer.send(info());
    expect(expectCase(await peer.next(), 'info').wants).toBe(0);
    peer.endInput();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});

describe('udf-run errors', () => {
  test('unknown name: lists what exists and suggests the closest', async () => {
    const r = await runUdfRun(['mirorr', '--module', MIRROR]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no UDF named "mirorr"');
    expect(r.stderr).toContain('Did you mean "mirror"?');
    expect(r.stderr).toContain('Available UDFs: BufferUdf, mirror');
  });

  test('a module that fails to load: its error', async () => {
    const r = await runUdfRun(['mirror', '--module', fixture('broken.js')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not load ${fixture('broken.js')}`);
    expect(r.stderr).toContain('broken fixture: this module fails while loading');
  });

  test('a module whose top-level await never settles: an error, not a silent exit 0', async () => {
    const r = await runUdfRun(['mirror', '--module', fixture('never-loads.mjs')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not load ${fixture('never-loads.mjs')}`);
    expect(r.stderr).toContain('top-level await never settles');
  });

  test('--module naming a device, a directory or a pipe is refused before reading it (/dev/zero grew to gigabytes)', async () => {
    for (const [file, kind] of [
      ['/dev/zero', 'a device'],
      [FIXTURES, 'a directory'],
    ]) {
      const r = await runUdfRun(['mirror', '--module', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file} is ${kind}`);
      expect(r.stderr).toContain('not a module file');
    }
  });

  test('a module file that does not exist', async () => {
    const r = await runUdfRun(['mirror', '--module', fixture('nope.js')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist');
  });

  test('two different classes with the same name: both sources named', async () => {
    const r = await runUdfRun(['mirror', '--module', MIRROR, '--module', fixture('duplicate-mirror.js')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"mirror" is ambiguous');
    expect(r.stderr).toContain(`class MirrorUdf (export "MirrorUdf" of ${MIRROR}`);
    expect(r.stderr).toContain(`class OtherMirror (export "OtherMirror" of ${fixture('duplicate-mirror.js')}`);
  });

  test('two classes with the same name in different modules: the advice offers --module', async () => {
    const r = await runUdfRun(['mirror', '--module', MIRROR, '--module', fixture('duplicate-mirror.js')]);
    expect(r.stderr).toContain('or run one module only with --module FILE');
  });

  test('two classes with the same name in one module: the advice is a rename, not --module', async () => {
    const r = await runUdfRun(['twin', '--module', fixture('two-mirrors.js')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"twin" is ambiguous');
    expect(r.stderr).toContain(`They are all in ${fixture('two-mirrors.js')}, so --module cannot choose`);
    expect(r.stderr).not.toContain('run one module only');
  });

  test('--list marks an ambiguous name, says what to do, and exits 1', async () => {
    const r = await runUdfRun([
      '--list',
      '--module',
      MIRROR,
      '--module',
      fixture('duplicate-mirror.js'),
      '--module',
      fixture('two-mirrors.js'),
    ]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('mirror ') && l.endsWith('[ambiguous name]'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('twin ') && l.endsWith('[ambiguous name]'))).toHaveLength(2);
    expect(r.stdout).toContain('Ambiguous names (udf-run cannot run them by name):');
    expect(r.stdout).toMatch(/^ {2}"mirror": Give one a name of its own .*--module FILE/m);
    expect(r.stdout).toMatch(/^ {2}"twin": They are all in .*two-mirrors\.js, so --module cannot choose/m);
    const clean = await runUdfRun(['--list', '--module', MIRROR]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain('mbiguous');
  });

  test('the same class reached through two modules is not a duplicate', async () => {
    const r = await runUdfRun(['mirror', '--describe', '--module', MIRROR, '--module', fixture('reexport.js')]);
    expect(r.stderr).not.toContain('udf-run:');
    expect(r.stdout).toContain('[udf.functions.mirror]');
    expect(r.code).toBe(0);
  });
});
