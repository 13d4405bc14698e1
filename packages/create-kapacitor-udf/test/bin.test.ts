import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin', 'create-kapacitor-udf.js');

describe('bin/create-kapacitor-udf.js', () => {
  it('is plain JavaScript that node can run as it is committed (npm links it before any build)', () => {
    expect(() => execFileSync(process.execPath, ['--check', BIN])).not.toThrow();
  });

  it('says to build when dist/ is missing', () => {
    // A copy of the bin in a package without dist/, as in a fresh clone after npm ci.
    const pkg = mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-bin-'));
    try {
      mkdirSync(join(pkg, 'bin'));
      copyFileSync(BIN, join(pkg, 'bin', 'create-kapacitor-udf.js'));
      const result = spawnSync(process.execPath, [join(pkg, 'bin', 'create-kapacitor-udf.js'), 'my-udfs'], { cwd: pkg, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/create-kapacitor-udf is not built .*dist.main\.js is missing/);
      expect(result.stderr).toMatch(/Run "npm run build"/);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
