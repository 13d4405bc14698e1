import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_VALIDATOR_RANGE, DEV_TOOL_RANGES, ownVersion } from '../src/versions';

const REPO_ROOT = join(__dirname, '../../..');
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));

// A generated package must build and test with what this repository is known
// to work with: these fail when a range here and the repository's drift apart.
describe('the ranges a generated package gets', () => {
  it('develops with the tools of the root package.json', () => {
    const root = readJson('package.json').devDependencies as Record<string, string>;
    for (const [name, range] of Object.entries(DEV_TOOL_RANGES)) expect([name, range]).toEqual([name, root[name]]);
  });

  it('uses the class-validator range of @kapacitor-udf/decorators', () => {
    expect(CLASS_VALIDATOR_RANGE).toBe(readJson('packages/decorators/package.json').dependencies['class-validator']);
  });

  it("reads the scaffold's own version, released together with the @kapacitor-udf packages", () => {
    const own = readJson('packages/create-kapacitor-udf/package.json').version;
    expect(ownVersion()).toBe(own);
    for (const pkg of ['decorators', 'cli', 'testing']) expect(readJson(`packages/${pkg}/package.json`).version).toBe(own);
  });
});
