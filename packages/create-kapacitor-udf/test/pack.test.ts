import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../../../test/support/build';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PACKAGE_DIR = join(__dirname, '..');

/** Every file below `dir`, relative, `/`-separated. */
function filesIn(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesIn(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

// What `npm create kapacitor-udf` downloads: the bin, the compiled scaffold
// and every template file (none dropped by npm's packing rules).
describe('the packed create-kapacitor-udf', () => {
  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  it('holds the bin, dist/, the sources its source maps name, the whole template, and no tests', async () => {
    const { stdout } = await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR });
    const packed: string[] = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    expect(packed).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/create-kapacitor-udf.js', 'dist/main.js', 'dist/index.d.ts']),
    );
    const template = filesIn(join(PACKAGE_DIR, 'template')).map((f) => `template/${f}`);
    expect(template).toContain('template/gitignore');
    expect(packed.filter((f) => f.startsWith('template/')).sort()).toEqual(template.sort());
    expect(packed).toContain('src/main.ts');
    expect(packed.filter((f) => f.startsWith('test/') || f.includes('.tsbuildinfo'))).toEqual([]);
  }, 60_000);
});
