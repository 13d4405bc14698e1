/**
 * The publishing path, end to end (slow: packs and installs six packages,
 * ~30-60 s). The mirror example and the framework packages it needs are
 * packed with `npm pack`, installed from the tarballs into a fresh project
 * outside this repository (so no workspace links), and run by name with
 * `npx udf-run mirror` over a pipe: Info, Init, a point, EOF.
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KapacitorClient, point, pointsOf } from '@kapacitor-udf/testing';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../../../test/support/build';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const PACKAGES = ['packages/core', 'packages/replay', 'packages/decorators', 'packages/transports', 'packages/cli', 'examples/mirror'];

describe('a packed UDF package (npm pack → npm install → npx udf-run)', () => {
  let work: string;

  beforeAll(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'kapacitor-udf-pack-'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs from tarballs and runs by name', async () => {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const pkg of PACKAGES) {
      await run(npm, ['pack', '--silent', '--pack-destination', tarballs], { cwd: join(REPO_ROOT, pkg) });
    }
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    expect(files).toHaveLength(PACKAGES.length);

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-kapacitor-udfs', version: '1.0.0', private: true }));
    // Only the external dependencies (protobuf runtime, class-validator) may come
    // from the registry; npm's cache usually has them.
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files], { cwd: project });
    // Real copies, not links into this repository.
    expect(lstatSync(join(project, 'node_modules/@kapacitor-udf/example-mirror')).isSymbolicLink()).toBe(false);

    const client = KapacitorClient.spawn(npm === 'npm' ? 'npx' : 'npx.cmd', ['--no', 'udf-run', 'mirror'], { cwd: project });
    try {
      const info = await client.info();
      expect(Object.keys(info.options)).toEqual(['field']);
      const init = await client.init({ field: ['mycustom_field', 42.0] });
      expect(init).toEqual({ success: true, error: '' });
      client.point(point({ name: 'cpu', time: 1n, tags: { host: 'a' }, fields: { usage_idle: 90.2 } }));
      // Kapacitor does not wait per point: the mirrored point may come before or after EOF.
      await client.close();
      expect(pointsOf(client.emitted)).toEqual([
        point({ name: 'cpu', time: 1n, tags: { host: 'a' }, fields: { usage_idle: 90.2, mycustom_field: 42 } }),
      ]);
    } finally {
      client.destroy();
    }
  }, 240_000);
});
