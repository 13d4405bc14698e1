/**
 * `npm run release:dry` (scripts/release-dry.js): lerna versions every
 * workspace package together (fixed mode), moves the internal dependency
 * ranges along so a published set stays consistent, writes a CHANGELOG entry
 * per package, and lists what would be published. Run with an explicit
 * `minor` bump so the expected versions do not depend on commit messages.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../support/build';
import { publishableWorkspaces, workspaces } from './lib/workspaces';

const run = promisify(execFile);

interface DryRelease {
  packages: {
    dir: string;
    name: string;
    private: boolean;
    from: string;
    to: string;
    ranges: { field: string; name: string; from: string; to: string }[];
    changelog: string;
  }[];
  files: string;
  publish: { name: string; version: string; files: number; size: number }[];
}

function nextMinor(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return `${major}.${minor + 1}.0`;
}

describe('npm run release:dry -- minor', () => {
  const current = (JSON.parse(readFileSync(join(REPO_ROOT, 'lerna.json'), 'utf8')) as { version: string }).version;
  const next = nextMinor(current);
  let result: DryRelease;

  beforeAll(async () => {
    ensureBuilt();
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'scripts/release-dry.js'), '--json', 'minor'], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    result = JSON.parse(stdout) as DryRelease;
  }, BUILD_TIMEOUT_MS);

  it(`moves every workspace package from ${current} to ${next} together`, () => {
    expect(result.packages.map((p) => p.name).sort()).toEqual(
      workspaces()
        .map((w) => w.pkg.name)
        .sort(),
    );
    for (const p of result.packages) expect({ name: p.name, from: p.from, to: p.to }).toEqual({ name: p.name, from: current, to: next });
  });

  it('moves every internal dependency range to the new version', () => {
    const names = new Set(workspaces().map((w) => w.pkg.name));
    for (const w of workspaces()) {
      const moved = result.packages.find((p) => p.name === w.pkg.name)!.ranges;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
        for (const name of Object.keys(w.pkg[field] ?? {}).filter((n) => names.has(n))) {
          expect(moved).toContainEqual({ field, name, from: w.pkg[field]![name], to: `^${next}` });
        }
      }
    }
  });

  it('writes a CHANGELOG entry for each publishable package', () => {
    for (const p of result.packages.filter((x) => !x.private)) {
      expect({ name: p.name, changelog: p.changelog }).toEqual({
        name: p.name,
        changelog: expect.stringMatching(new RegExp(`^#+ ${next.replace(/\./g, '\\.')} `)),
      });
    }
    expect(result.files).toMatch(/CHANGELOG\.md/);
    expect(result.files).toMatch(/package-lock\.json/);
  });

  it('would publish exactly the non-private packages', () => {
    expect(result.publish.map((p) => `${p.name}@${p.version}`).sort()).toEqual(
      publishableWorkspaces()
        .map((w) => `${w.pkg.name}@${next}`)
        .sort(),
    );
    for (const p of result.publish) expect(p.files).toBeGreaterThan(0);
  });
});
