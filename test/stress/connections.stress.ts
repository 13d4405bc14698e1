/**
 * STRESS_CONNECTIONS (default 200) concurrent connections to one socket UDF
 * (udf-run mirror), each streaming STRESS_POINTS_PER_CONNECTION points; one
 * in ten killed halfway and one in ten sending a corrupt frame halfway. The
 * others' output is complete and exact, and after they close the server's
 * memory returns to its baseline: live heap (after a forced GC, from a
 * preloaded reporter) and RSS (/proc), round after round.
 */
import * as path from 'node:path';
import { heapReports, roles, runLoad } from '../reliability/helpers/load';
import { MiB, rssOf } from '../reliability/helpers/memory';
import { FIXTURES, requireBuilt } from '../reliability/helpers/paths';
import { startSocketServer } from '../reliability/helpers/socket-server';
import { sleep } from '../reliability/helpers/udf-run';

const CONNECTIONS = Number(process.env.STRESS_CONNECTIONS ?? 200);
const POINTS = Number(process.env.STRESS_POINTS_PER_CONNECTION ?? 2000);
const ROUNDS = 3;
const REPORT_MS = 250;

beforeAll(() => requireBuilt());

/** The latest heap report, after waiting for a fresh one. */
async function settledMemory(log: () => string, pid: number): Promise<{ heapUsed: number; rss: number }> {
  await sleep(REPORT_MS * 6);
  const reports = heapReports(log());
  const last = reports[reports.length - 1];
  return { heapUsed: last.heapUsed, rss: rssOf(pid) };
}

test(`${CONNECTIONS} concurrent connections x ${POINTS} points, some killed or corrupted: others exact, memory back to baseline`, async () => {
  const server = await startSocketServer({
    name: 'mirror',
    nodeArgs: ['--expose-gc', '--require', path.join(FIXTURES, 'heap-reporter.js')],
    env: { ...process.env, UDF_HEAP_REPORT_MS: String(REPORT_MS) },
  });
  try {
    const pid = server.child.pid!;
    // Warm-up: a small round, so code and buffers are in place.
    const warm = await runLoad(server.socketPath, roles(8, 100, 100), 200);
    expect(warm.filter((r) => r.problems.length > 0)).toEqual([]);
    const baseline = await settledMemory(server.log, pid);

    const after: Array<{ heapUsed: number; rss: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const list = roles(CONNECTIONS, 10, 10);
      const results = await runLoad(server.socketPath, list, POINTS);
      expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
      const normal = results.filter((r) => r.role === 'normal');
      expect(normal.length).toBe(list.filter((r) => r === 'normal').length);
      expect(normal.every((r) => r.received === POINTS)).toBe(true);
      after.push(await settledMemory(server.log, pid));
    }
    process.stdout.write(
      `connections: baseline heap ${(baseline.heapUsed / MiB).toFixed(1)} MiB rss ${(baseline.rss / MiB).toFixed(1)} MiB; after rounds: ${after
        .map((m) => `heap ${(m.heapUsed / MiB).toFixed(1)} rss ${(m.rss / MiB).toFixed(1)}`)
        .join(' | ')}\n`,
    );
    // Live heap back to baseline after every round (generous margin for V8's own caches).
    for (const m of after) expect(m.heapUsed).toBeLessThan(baseline.heapUsed + 16 * MiB);
    // RSS: V8 keeps some pages after a peak, but no growth from round to round.
    expect(after[ROUNDS - 1].rss).toBeLessThan(after[0].rss + 32 * MiB);
    expect(after[ROUNDS - 1].rss).toBeLessThan(baseline.rss + 160 * MiB);
    expect(server.child.exitCode).toBeNull();
  } finally {
    expect(await server.stop()).toBe(0);
  }
});
