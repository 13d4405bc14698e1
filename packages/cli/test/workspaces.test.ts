import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findModuleSources } from '../src/discover';
import { BadPackageJsonError } from '../src/errors';
import { readPackageJson } from '../src/package-json';
import { workspacePackages } from '../src/workspaces';

let root: string;

function write(file: string, text: string): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}
const json = (value: object): string => JSON.stringify(value);
const rootPackage = () => ({ dir: root, file: path.join(root, 'package.json'), json: readPackageJson(path.join(root, 'package.json')) });

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'udf-workspaces-')));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('workspacePackages', () => {
  test('expands `*` and literal patterns in order; folders without package.json and node_modules are passed over', () => {
    write('package.json', json({ name: 'mono', workspaces: ['packages/*', 'tools/gen'] }));
    write('packages/b/package.json', json({ name: 'b' }));
    write('packages/a/package.json', json({ name: 'a' }));
    fs.mkdirSync(path.join(root, 'packages', 'no-manifest'));
    write('packages/node_modules/x/package.json', json({ name: 'x' }));
    write('tools/gen/package.json', json({ name: 'gen' }));
    expect(workspacePackages(rootPackage()).map((p) => p.json.name)).toEqual(['a', 'b', 'gen']);
  });

  test("`**` matches any depth, a leading `!` excludes, Yarn's { packages } form is read", () => {
    write('package.json', json({ name: 'mono', workspaces: { packages: ['udfs/**', '!udfs/old'] } }));
    write('udfs/new/package.json', json({ name: 'new' }));
    write('udfs/old/package.json', json({ name: 'old' }));
    write('udfs/group/deep/package.json', json({ name: 'deep' }));
    expect(
      workspacePackages(rootPackage())
        .map((p) => p.json.name)
        .sort(),
    ).toEqual(['deep', 'new']);
  });

  test('a malformed "workspaces" field names the file', () => {
    write('package.json', json({ name: 'mono', workspaces: 'packages/*' }));
    expect(() => workspacePackages(rootPackage())).toThrow(BadPackageJsonError);
    expect(() => workspacePackages(rootPackage())).toThrow(path.join(root, 'package.json'));
  });
});

describe('findModuleSources at a workspace root', () => {
  test('the workspace packages that declare "kapacitorUdf", each named as the origin', () => {
    write('package.json', json({ name: 'mono', private: true, workspaces: ['examples/*', 'packages/*'] }));
    write('examples/one/package.json', json({ name: '@me/one', kapacitorUdf: { modules: ['dist/index.js'] } }));
    write('examples/two/package.json', json({ name: '@me/two', main: 'main.js', kapacitorUdf: true }));
    write('examples/two/main.js', '');
    write('packages/lib/package.json', json({ name: '@me/lib', main: 'index.js' }));
    write('packages/lib/index.js', '');
    const { sources, searched, packageDir } = findModuleSources({ modules: [], dir: root });
    expect(packageDir).toBe(root);
    expect(sources).toEqual([
      { file: path.join(root, 'examples/one/dist/index.js'), origin: 'workspace package "@me/one"' },
      { file: path.join(root, 'examples/two/main.js'), origin: 'workspace package "@me/two"' },
    ]);
    expect(searched).toContain('2 UDF packages among its 3 workspace packages');
  });
});

/**
 * npm's own implementation (`@npmcli/map-workspaces`, a devDependency: see
 * why in src/workspaces.ts) decides what a pattern means; ours must find the
 * same folders in the same order.
 */
describe("workspacePackages matches npm's @npmcli/map-workspaces", () => {
  const mapWorkspaces = require('@npmcli/map-workspaces') as (opts: { pkg: object; cwd: string }) => Promise<Map<string, string>>;
  const TREE = [
    'packages/a',
    'packages/b',
    'packages/B2',
    'packages/c.x',
    'packages/c-y',
    'packages/b/nested',
    'packages/.hidden',
    'packages/node_modules/nm',
    'packages/no-manifest',
    'udfs/g/deep',
    'udfs/old',
    'udfs/new',
    'tools/gen',
  ];
  const CASES: string[][] = [
    ['packages/*'],
    ['packages/**'],
    ['packages/*', '!packages/b'],
    ['./packages/*'],
    ['/packages/a'],
    ['packages/*/'],
    ['packages/{a,b}'],
    ['packages/{a,{b,c.x}}', 'tools/{gen}'],
    ['packages/[ab]'],
    ['packages/[!ab]*'],
    ['packages/?'],
    ['packages/*.x'],
    ['packages/*', '!packages/b', 'packages/b'],
    ['!packages/a', 'packages/*'],
    ['packages/*', '!!packages/b/nested'],
    ['udfs/**', '!udfs/old'],
    ['**'],
    ['packages/**/nested'],
    ['packages/*/*'],
    ['tools/gen', 'packages/*', 'udfs/*'],
    ['packages/a', 'packages/a'],
  ];

  test.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, workspaces) => {
    for (const dir of TREE) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      if (!dir.endsWith('no-manifest')) write(`${dir}/package.json`, json({ name: dir.replace(/[/.]/g, '-') }));
    }
    const pkg = { name: 'mono', workspaces };
    write('package.json', json(pkg));
    const npm = [...(await mapWorkspaces({ pkg, cwd: root })).values()].map((dir) => path.relative(root, dir));
    expect(npm.length).toBeGreaterThan(0);
    expect(workspacePackages(rootPackage()).map((p) => path.relative(root, p.dir))).toEqual(npm);
  });
});
