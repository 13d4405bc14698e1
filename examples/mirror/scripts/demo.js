#!/usr/bin/env node
/**
 * The demo (`npm run demo` at the repository root, after `npm ci`): starts the
 * mirror example as a socket UDF with `udf-run`, then talks to it over the
 * real unix socket exactly as Kapacitor does, printing every message:
 *
 *   1. at startup, a short connection that only asks for Info;
 *   2. for a task using `@mirror().field('mycustom_field', 42.0)`, a connection
 *      of its own: Init, a few points, a snapshot, then a half-close (EOF).
 *
 * Plain JavaScript on the built packages (`npm run build` comes first). Exits
 * 0 when the mirror answered as it should, 1 with the reason otherwise.
 */
'use strict';

const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { formatRequest, formatResponse, point, pointsOf, spawnSocketUdf } = require('@kapacitor-udf/testing');

const EXAMPLE_DIR = resolve(__dirname, '..');

/** Prints one message, → for Kapacitor to the UDF, ← for the UDF to Kapacitor. */
function print(traffic) {
  if (traffic.direction === 'request') console.log(`  → ${formatRequest(traffic.message)}`);
  else console.log(`  ← ${formatResponse(traffic.message)}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const POINTS = [
  point({ name: 'cpu', time: 1_700_000_000_000_000_000n, tags: { host: 'a' }, fields: { usage_idle: 90.2 } }),
  point({ name: 'cpu', time: 1_700_000_001_000_000_000n, tags: { host: 'b' }, fields: { usage_idle: 45.1 } }),
  point({ name: 'cpu', time: 1_700_000_002_000_000_000n, tags: { host: 'a' }, fields: { usage_idle: 12.5 } }),
];

async function converse(server) {
  console.log("\n# kapacitord starts: one short connection asks for the UDF's Info");
  const startup = await server.connect({ onTraffic: print });
  const info = await startup.info();
  await startup.close();

  console.log("\n# a task runs  @mirror().field('mycustom_field', 42.0)  on a connection of its own");
  const task = await server.connect({ info, taskID: 'demo', nodeID: 'mirror2', onTraffic: print });
  const init = await task.init({ field: ['mycustom_field', 42.0] });
  check(init.success, `Init failed: ${init.error}`);
  for (const p of POINTS) task.point(p);
  // Kapacitor does not wait for each point; the snapshot's answer comes after every mirrored point.
  await task.snapshot();
  console.log('  (half-close: Kapacitor stops the task)');
  await task.close();

  const mirrored = pointsOf(task.emitted);
  check(mirrored.length === POINTS.length, `expected ${POINTS.length} points back, got ${mirrored.length}`);
  mirrored.forEach((p, i) => {
    check(p.fieldsDouble.mycustom_field === 42, `point ${i + 1} came back without mycustom_field=42`);
    check(p.time === POINTS[i].time && p.tags.host === POINTS[i].tags.host, `point ${i + 1} came back changed`);
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kapacitor-udf-demo-'));
  const socket = join(dir, 'mirror.sock');
  console.log(`$ udf-run mirror --socket ${socket}    (in examples/mirror)`);
  let server;
  try {
    server = await spawnSocketUdf('mirror', socket, { cwd: EXAMPLE_DIR });
    await converse(server);
    const status = await server.stop();
    check(status === 0, `udf-run exited with ${status} after SIGTERM\n${server.stderr}`);
    console.log("\n# udf-run stopped cleanly (SIGTERM). The mirror answered like the Go guide's: every point back with mycustom_field=42.");
  } catch (err) {
    if (server) {
      await server.stop();
      if (server.stderr) console.error(`udf-run's log:\n${server.stderr}`);
    }
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\ndemo failed: ${err?.message ? err.message : err}`);
    console.error('Did `npm run build` succeed? Run the demo with `npm run demo` from the repository root.');
    process.exit(1);
  },
);
