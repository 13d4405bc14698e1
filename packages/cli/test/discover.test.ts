import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findModuleSources, loadWithin } from '../src/discover';
import { BadPackageJsonError, CliError } from '../src/errors';

let root: string;

function write(file: string, text: string): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}
const json = (value: object): string => JSON.stringify(value);

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'udf-discover-')));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('findModuleSources', () => {
  test('"kapacitorUdf": { modules } of the nearest package, found from a subdirectory', () => {
    write('package.json', json({ name: 'mine', kapacitorUdf: { modules: ['dist/a.js', 'dist/b.mjs'] } }));
    fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    const { sources, packageDir } = findModuleSources({ modules: [], dir: path.join(root, 'src', 'deep') });
    expect(packageDir).toBe(root);
    expect(sources.map((s) => s.file)).toEqual([path.join(root, 'dist/a.js'), path.join(root, 'dist/b.mjs')]);
    expect(sources[0].origin).toContain('package "mine"');
  });

  test('without the field, the package entry point (exports before main)', () => {
    write(
      'package.json',
      json({ name: 'mine', main: 'lib/main.js', exports: { '.': { require: './lib/cjs.js', import: './lib/esm.mjs' } } }),
    );
    write('lib/cjs.js', '');
    write('lib/main.js', '');
    expect(findModuleSources({ modules: [], dir: root }).sources.map((s) => s.file)).toEqual([path.join(root, 'lib/cjs.js')]);
  });

  test('a package without entry point or field contributes nothing', () => {
    write('package.json', json({ name: 'empty' }));
    expect(findModuleSources({ modules: [], dir: root }).sources).toEqual([]);
  });

  test('installed dependencies that declare "kapacitorUdf", found in node_modules up the tree', () => {
    write('package.json', json({ name: 'outer' }));
    write('node_modules/hoisted-udfs/package.json', json({ name: 'hoisted-udfs', main: 'main.js', kapacitorUdf: true }));
    write('node_modules/hoisted-udfs/main.js', '');
    write(
      'app/package.json',
      json({
        name: 'app',
        dependencies: { 'hoisted-udfs': '1', '@scope/udfs': '1', plain: '1', missing: '1' },
        devDependencies: { 'dev-udfs': '1' },
      }),
    );
    write('app/node_modules/@scope/udfs/package.json', json({ name: '@scope/udfs', kapacitorUdf: { modules: ['x.js'] } }));
    write('app/node_modules/plain/package.json', json({ name: 'plain', main: 'index.js' }));
    write('app/node_modules/dev-udfs/package.json', json({ name: 'dev-udfs', kapacitorUdf: { modules: ['d.js'] } }));
    const { sources, searched } = findModuleSources({ modules: [], dir: path.join(root, 'app') });
    expect(sources).toEqual([
      { file: path.join(root, 'node_modules/hoisted-udfs/main.js'), origin: 'dependency "hoisted-udfs"' },
      { file: path.join(root, 'app/node_modules/@scope/udfs/x.js'), origin: 'dependency "@scope/udfs"' },
      { file: path.join(root, 'app/node_modules/dev-udfs/d.js'), origin: 'dependency "dev-udfs"' },
    ]);
    expect(searched).toContain('3 installed UDF dependencies of its 5');
  });

  test('a malformed "kapacitorUdf" field is an error naming the file', () => {
    write('package.json', json({ name: 'bad', kapacitorUdf: { modules: 'dist/index.js' } }));
    expect(() => findModuleSources({ modules: [], dir: root })).toThrow(BadPackageJsonError);
    expect(() => findModuleSources({ modules: [], dir: root })).toThrow(path.join(root, 'package.json'));
  });

  test('"kapacitorUdf": true without a built entry point says to build', () => {
    write('package.json', json({ name: 'unbuilt', main: 'dist/index.js', kapacitorUdf: true }));
    expect(() => findModuleSources({ modules: [], dir: root })).toThrow('build it');
  });

  test('invalid JSON is reported', () => {
    write('package.json', '{ nope');
    expect(() => findModuleSources({ modules: [], dir: root })).toThrow('is not valid JSON');
  });

  test('--module files replace discovery and must exist', () => {
    write('package.json', json({ name: 'mine', kapacitorUdf: { modules: ['a.js'] } }));
    write('one.js', '');
    expect(findModuleSources({ modules: ['one.js'], dir: root }).sources).toEqual([
      { file: path.join(root, 'one.js'), origin: '--module' },
    ]);
    expect(() => findModuleSources({ modules: ['two.js'], dir: root })).toThrow(CliError);
    expect(() => findModuleSources({ modules: ['two.js'], dir: root })).toThrow('does not exist');
  });
});

describe('discoverUdfs', () => {
  test('a module that fails to load is reported beside the UDFs of the others, not instead of them', async () => {
    const decorators = path.join(__dirname, '..', '..', 'decorators', 'src');
    write('package.json', json({ name: 'mine', kapacitorUdf: { modules: ['good.js', 'bad.js', 'unbuilt.js'] } }));
    // The good module defines its UDF with the decorators as plain functions (legacy call form).
    write(
      'good.js',
      `const { Udf, OnPoint } = require(${JSON.stringify(decorators)});
class Good { point(p) { return p; } }
OnPoint()(Good.prototype, 'point', Object.getOwnPropertyDescriptor(Good.prototype, 'point'));
Udf({ wants: 'stream', provides: 'stream' })(Good);
exports.Good = Good;`,
    );
    write('bad.js', 'throw new Error("bad module");');
    const { discoverUdfs } = await import('../src/discover');
    const found = await discoverUdfs({ modules: [], dir: root });
    expect(found.udfs.map((u) => u.name)).toEqual(['Good']);
    expect(found.failures.map((f) => f.file)).toEqual([path.join(root, 'bad.js'), path.join(root, 'unbuilt.js')]);
    expect(found.failures[0].message).toContain('bad module');
    expect(found.failures[1].message).toContain('does not exist');
  });
});

describe('loadWithin (the deadline of loading one module)', () => {
  test('a load still pending after the timeout fails, naming the timeout', async () => {
    // A top-level await nobody settles; the test process itself stays up, so only the timeout can end it.
    await expect(loadWithin(() => new Promise(() => undefined), 200)).rejects.toThrow(/did not finish loading within 0.2 s/);
  });

  test('a load that finishes in time gives its exports; its failure is passed on', async () => {
    await expect(loadWithin(async () => ({ a: 1 }), 1000)).resolves.toEqual({ a: 1 });
    await expect(loadWithin(() => Promise.reject(new Error('broken')), 1000)).rejects.toThrow('broken');
  });
});
