import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './paths';

const LOCK = path.join(ROOT, 'node_modules', '.cache', 'udf-run-test-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Builds the packages (tsc -b, incremental: quick when nothing changed) so
 * the tests spawn the current udf-run. Test files run in parallel workers,
 * so one builds under a lock and the others wait for it.
 */
export function ensureBuilt(): void {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmdirSync(LOCK);
      } catch {
        // removed meanwhile
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`npm run build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}${e.message}`);
  } finally {
    fs.rmdirSync(LOCK);
  }
}
