/**
 * Socket file modes nobody (but root) could connect through are refused;
 * world-accessible ones are served with a warning in the log.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { requireBuilt } from './helpers/paths';
import { startSocketServer } from './helpers/socket-server';
import { spawnUdfRun } from './helpers/udf-run';

beforeAll(() => requireBuilt());

test.each(['0', '7', '0444', '0500'])('--socket-mode %s (no write permission for owner or group) is refused (exit 2)', async (mode) => {
  const udf = spawnUdfRun({ args: ['--socket', `/tmp/udf-rel-mode-${process.pid}.sock`, '--socket-mode', mode] });
  try {
    expect(await udf.exited()).toBe(2);
    expect(udf.stderr()).toMatch(/--socket-mode .*neither the owner nor the group could connect/);
  } finally {
    udf.kill();
  }
});

test('--socket-mode 777 serves, with a warning that any local user can connect', async () => {
  const server = await startSocketServer({ args: ['--socket-mode', '777'] });
  try {
    expect(statSync(server.socketPath).mode & 0o777).toBe(0o777);
    expect(server.log()).toMatch(/"level":"warn".*any local user can connect/);
  } finally {
    await server.stop();
  }
});

test('--socket-mode 660 (the default) serves without a warning', async () => {
  const server = await startSocketServer({ args: ['--socket-mode', '660'] });
  try {
    expect(server.log()).not.toMatch(/"level":"warn"/);
  } finally {
    await server.stop();
  }
});

test('a socket in an other-writable, non-sticky directory is served with a warning before "listening"', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'udf-rel-open-'));
  chmodSync(dir, 0o777);
  const server = await startSocketServer({ socketPath: path.join(dir, 'udf.sock') });
  try {
    const log = server.log();
    const warning = log.search(/"level":"warn".*writable by every user and not sticky/);
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(warning).toBeLessThan(log.indexOf('"listening"'));
    expect(statSync(server.socketPath).mode & 0o777).toBe(0o660);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
