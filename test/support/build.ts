/**
 * Tests that run the real `udf-run` need the compiled packages. `ensureBuilt()`
 * runs the repository build (`tsc -b tsconfig.build.json`, incremental: a
 * no-op when nothing changed) once per test process; a lock directory keeps
 * parallel jest workers from building at the same time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/** Time allowed for a build in a test's beforeAll. */
export const BUILD_TIMEOUT_MS = 240_000;

let built = false;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function ensureBuilt(): void {
  if (built) return;
  const lock = join(REPO_ROOT, 'node_modules', '.cache', 'kapacitor-udf-test-build.lock');
  mkdirSync(join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than the build timeout was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // removed meanwhile: try again
      }
      sleep(200);
    }
  }
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    built = true;
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(
      `the build failed; run \`npm run build\` to see why:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`,
    );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
