import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../../../test/support/build';

const run = promisify(execFile);

describe('the demo (npm run demo)', () => {
  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  it('drives the mirror socket UDF like Kapacitor, prints both directions and exits 0', async () => {
    const { stdout } = await run(process.execPath, [resolve(__dirname, '../scripts/demo.js')]);
    const lines = stdout.split('\n').map((l) => l.trim());
    // Startup: an Info-only connection.
    expect(lines).toContain('→ Info');
    expect(lines).toContainEqual(expect.stringMatching(/^← Info wants=stream provides=stream options field\(string, double\)$/));
    // The task connection.
    expect(lines).toContain("→ Init field('mycustom_field', 42.0)  [task demo, node mirror2]");
    expect(lines).toContain('← Init ok');
    expect(lines).toContain('→ Point cpu,host=a usage_idle=90.2 1700000000000000000');
    expect(lines).toContain('← Point cpu,host=a mycustom_field=42,usage_idle=90.2 1700000000000000000');
    expect(lines.filter((l) => l.startsWith('← Point') && l.includes('mycustom_field=42'))).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/^→ Snapshot$/));
    expect(lines).toContainEqual(expect.stringMatching(/^← Snapshot \d+ bytes$/));
    // The snapshot is answered after the three mirrored points.
    const lastPoint = lines.map((l) => l.startsWith('← Point')).lastIndexOf(true);
    expect(lines.findIndex((l) => l.startsWith('← Snapshot'))).toBeGreaterThan(lastPoint);
    expect(stdout).toMatch(/stopped cleanly/);
  });
});
