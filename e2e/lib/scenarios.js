'use strict';
// The three workflows run through the real kapacitord: the socket-UDF guide
// (mirror with a custom field), moving average per group, and outliers of a
// windowed batch. Each defines its task over the HTTP API, writes line
// protocol, reads httpOut, and disables the task again.

const { childProcesses, isAlive } = require('./proc-children');
const { sleep } = require('./child');

const DB = 'e2e';
const RP = 'autogen';
const DBRPS = [{ db: DB, rp: RP }];
// A round second, and a multiple of 20 s so `window().align()` starts there.
const T0_SECONDS = 1704067200n; // 2024-01-01T00:00:00Z
const SECOND_NS = 1000000000n;

function ns(seconds) {
  return (T0_SECONDS + BigInt(seconds)) * SECOND_NS;
}

function isoAt(seconds) {
  return new Date(Number(T0_SECONDS + BigInt(seconds)) * 1000).toISOString();
}

/** Kapacitor writes RFC 3339 times ("…T00:00:10Z"); compare instants, not strings. */
function sameInstant(kapacitorTime, seconds) {
  return Date.parse(kapacitorTime) === Date.parse(isoAt(seconds));
}

class CheckFailed extends Error {
  constructor(message) {
    super(message);
    this.name = 'CheckFailed';
    this.code = 'ERR_E2E_CHECK';
  }
}

function check(cond, message) {
  if (!cond) throw new CheckFailed(message);
}

/** The rows of one httpOut series as objects keyed by column. */
function rows(series) {
  return (series.values ?? []).map((v) => Object.fromEntries(series.columns.map((c, i) => [c, v[i]])));
}

// Kapacitor (1.5.9 and 1.7.6 alike) stops a UDF node by aborting it; for a
// process UDF it then ignores its own "node aborted", for a socket UDF it
// wraps it first ("stopping UDF server: node aborted") and so reports it as
// the disabled task's error, whatever the UDF did. Only that exact text is
// accepted, and only once the task is disabled.
const SOCKET_STOP_ERROR = /^\w+: stopping UDF server: node aborted$/;

async function expectExecuting(api, id, executing, { socket = false } = {}) {
  const task = await api.getTask(id);
  const tolerated = !executing && socket && SOCKET_STOP_ERROR.test(task.error);
  check(task.error === '' || tolerated, `task ${id} reports an error: ${task.error}`);
  check(
    task.executing === executing && task.status === (executing ? 'enabled' : 'disabled'),
    `task ${id}: expected executing=${executing}, got executing=${task.executing} status=${task.status}`,
  );
  return task;
}

/** Waits for the end of one UDF conversation in `child`'s log: it must be a clean one. */
async function expectCleanClose(udfs, child, { since, id, belongs }) {
  const line = await child.waitForLine((l) => belongs(l) && udfs.closeEvent(l) !== null, {
    since,
    timeoutMs: 15000,
    what: `the end of the UDF conversation of task ${id}`,
  });
  check(udfs.closeEvent(line) === 'clean', `the UDF conversation of task ${id} did not end cleanly: ${line}`);
  return line;
}

/** The socket UDF: disabling the task must end its connection cleanly on the UDF side. */
async function disableSocketTask({ api, udfs, step, socketUdf }, id) {
  const since = socketUdf.mark();
  await step(`${id}: disable (PATCH status=disabled)`, async () => {
    await api.setTaskStatus(id, 'disabled');
    await expectExecuting(api, id, false, { socket: true });
  });
  await step(`${id}: the UDF logs a clean end of the connection`, () =>
    expectCleanClose(udfs, socketUdf, { since, id, belongs: (l) => belongsToTask(udfs, l, id) }),
  );
}

/**
 * Our socket server's JSON log lines carry the taskID once Init arrived: a
 * clean close must name this task (a failure counts whatever it names).
 * Plain-text lines (the reference UDF) carry no task and are taken as is.
 */
function belongsToTask(udfs, line, id) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return true;
  }
  return entry.taskID === id || udfs.closeEvent(line) === 'failed';
}

/**
 * A process UDF: Kapacitor spawned one process for the task's UDF node;
 * disabling the task must end it (and, for ours, its log must say the
 * conversation ended cleanly).
 */
async function disableProcessTask({ api, udfs, step, kapacitord }, id, udfName) {
  const procs = await step(`${id}: kapacitord runs one ${udfName} process for the task`, () => {
    const found = childProcesses(kapacitord.proc.pid).filter((p) => udfs.isProcess(udfName, p.argv));
    check(found.length === 1, `expected 1 ${udfName} process under kapacitord, found ${found.length}`);
    return found;
  });
  const since = kapacitord.mark();
  await step(`${id}: disable (PATCH status=disabled)`, async () => {
    await api.setTaskStatus(id, 'disabled');
    await expectExecuting(api, id, false);
  });
  await step(`${id}: the UDF process ends${udfs.processLogsClose ? ' and logs a clean end' : ''}`, async () => {
    const deadline = Date.now() + 15000;
    while (procs.some((p) => isAlive(p.pid))) {
      check(Date.now() < deadline, `the ${udfName} process (pid ${procs[0].pid}) still runs 15 s after the task was disabled`);
      await sleep(50);
    }
    if (udfs.processLogsClose) {
      await expectCleanClose(udfs, kapacitord, { since, id, belongs: (l) => l.includes(`task=${id} `) });
    }
  });
}

async function mirrorScenario(ctx) {
  const { api, udfs, step, socketUdf } = ctx;
  const id = 'e2e_mirror';
  const field = udfs.mirrorHasFieldOption ? `\n        .field('mycustom_field', 42.0)` : '';
  const script = `stream
    |from()
        .measurement('cpu')
    @${udfs.names.mirror}()${field}
    |httpOut('mirror')
`;
  const opened = socketUdf.mark();
  await step(`${id}: define + enable stream task`, () => api.defineTask({ id, type: 'stream', script, dbrps: DBRPS }));
  await step(`${id}: task shows as executing`, () => expectExecuting(api, id, true));
  await step(`${id}: Kapacitor opened a socket connection for the task`, () =>
    socketUdf.waitForLine(udfs.isConnectionOpened, {
      since: opened,
      what: 'a new connection',
    }),
  );
  await step(`${id}: write 2 points (line protocol)`, () =>
    api.write(DB, RP, [`cpu,host=e2e usage_idle=12.5 ${ns(0)}`, `cpu,host=e2e usage_idle=27.25 ${ns(1)}`]),
  );
  await step(`${id}: httpOut shows the mirrored point${field ? ' with mycustom_field=42' : ''}`, async () => {
    const series = await api.waitForOutput(
      id,
      'mirror',
      (r) => r.series?.find((s) => s && rows(s).some((row) => sameInstant(row.time, 1))),
      { what: `the point at ${isoAt(1)}` },
    );
    const [row] = rows(series);
    check(series.name === 'cpu', `expected measurement cpu, got ${series.name}`);
    check(series.tags?.host === 'e2e', `expected tag host=e2e, got ${JSON.stringify(series.tags)}`);
    check(row.usage_idle === 27.25, `expected usage_idle=27.25 to pass through, got ${row.usage_idle}`);
    if (udfs.mirrorHasFieldOption) {
      check(row.mycustom_field === 42, `expected mycustom_field=42, got ${JSON.stringify(row)}`);
    } else {
      check(!('mycustom_field' in row), `the reference mirror added a field: ${JSON.stringify(row)}`);
    }
  });
  await disableSocketTask(ctx, id);
  await step(`${id}: delete task`, () => api.deleteTask(id));
}

async function movingAvgScenario(ctx) {
  const { api, udfs, step } = ctx;
  const id = 'e2e_moving_avg';
  const script = `stream
    |from()
        .measurement('e2e_avg')
        .groupBy('g')
    @${udfs.names.movingAvg}()
        .field('value')
        .size(10)
        .as('mean')
    |httpOut('avg')
`;
  const a = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
  const b = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0];
  const lines = (from, to) => {
    const out = [];
    for (let t = from; t <= to; t++) out.push(`e2e_avg,g=a value=${a[t]} ${ns(t)}`, `e2e_avg,g=b value=${b[t]} ${ns(t)}`);
    return out;
  };
  const meansAt = (seconds) => (r) => {
    const found = {};
    for (const s of r.series ?? []) {
      if (!s) continue;
      const last = rows(s).at(-1);
      if (last && sameInstant(last.time, seconds)) found[s.tags?.g] = last;
    }
    return found.a && found.b ? found : null;
  };
  await step(`${id}: define + enable stream task (process UDF)`, () => api.defineTask({ id, type: 'stream', script, dbrps: DBRPS }));
  await step(`${id}: task shows as executing`, () => expectExecuting(api, id, true));
  await step(`${id}: write groups a and b, t=0..10s`, () => api.write(DB, RP, lines(0, 10)));
  await step(`${id}: mean at t=10s is exactly 0.9 (a) and 1.9 (b)`, async () => {
    const got = await api.waitForOutput(id, 'avg', meansAt(10), { what: `a mean for both groups at ${isoAt(10)}` });
    check(got.a.mean === 0.9, `group a: expected mean 0.9 at t=10s, got ${got.a.mean}`);
    check(got.b.mean === 1.9, `group b: expected mean 1.9 at t=10s, got ${got.b.mean}`);
  });
  await step(`${id}: write t=11s; the window slides (0.8, 1.7)`, async () => {
    await api.write(DB, RP, lines(11, 11));
    const got = await api.waitForOutput(id, 'avg', meansAt(11), { what: `a mean for both groups at ${isoAt(11)}` });
    check(Math.abs(got.a.mean - 0.8) < 1e-12, `group a: expected mean 0.8 at t=11s, got ${got.a.mean}`);
    check(Math.abs(got.b.mean - 1.7) < 1e-12, `group b: expected mean 1.7 at t=11s, got ${got.b.mean}`);
  });
  await disableProcessTask(ctx, id, udfs.names.movingAvg);
  await step(`${id}: delete task`, () => api.deleteTask(id));
}

async function outliersScenario(ctx) {
  const { api, udfs, step } = ctx;
  const id = 'e2e_outliers';
  // No InfluxDB to query: a window turns the stream into batches, as
  // Kapacitor's own tests drive batch UDFs.
  const script = `stream
    |from()
        .measurement('e2e_outliers')
    |window()
        .period(20s)
        .every(20s)
        .align()
    @${udfs.names.outliers}()
        .field('value')
        .scale(1.5)
    |httpOut('outliers')
`;
  const values = [5, 6, 7, 13, 33, 35, 36, 45, 46, 47, 48, 50, 51, 52, 53, 54, 80, 85, 90, 100];
  const expected = [5, 6, 85, 90, 100];
  await step(`${id}: define + enable stream→window→batch UDF task (process UDF)`, () =>
    api.defineTask({ id, type: 'stream', script, dbrps: DBRPS }),
  );
  await step(`${id}: task shows as executing`, () => expectExecuting(api, id, true));
  await step(`${id}: write 20 values at t=0..19s, then one at t=25s to close the window`, () =>
    api.write(DB, RP, [...values.map((v, t) => `e2e_outliers value=${v} ${ns(t)}`), `e2e_outliers value=50 ${ns(25)}`]),
  );
  await step(`${id}: exactly 5 outliers: ${expected.join(', ')}`, async () => {
    const series = await api.waitForOutput(id, 'outliers', (r) => r.series?.find((s) => s?.values), {
      what: 'the outliers batch',
    });
    const got = rows(series);
    const gotValues = got.map((row) => row.value).sort((x, y) => x - y);
    check(JSON.stringify(gotValues) === JSON.stringify(expected), `expected outliers ${expected.join(', ')}, got ${gotValues.join(', ')}`);
    for (const row of got) {
      const t = values.indexOf(row.value);
      check(sameInstant(row.time, t), `outlier ${row.value} should keep its time ${isoAt(t)}, got ${row.time}`);
    }
  });
  await disableProcessTask(ctx, id, udfs.names.outliers);
  await step(`${id}: delete task`, () => api.deleteTask(id));
}

/** Sum of one metric's samples (Prometheus instant query result) as a number. */
function promValue(result) {
  return result.reduce((sum, r) => sum + Number(r.value[1]), 0);
}

/** kapacitord's edge statistics of one task: [{ parent, child, collected, emitted }]. */
async function taskEdges(api, task) {
  const vars = await api.debugVars();
  const edges = [];
  for (const stat of Object.values(vars.kapacitor ?? {})) {
    if (stat?.name !== 'edges' || stat.tags?.task !== task) continue;
    edges.push({ parent: stat.tags.parent, child: stat.tags.child, collected: stat.values.collected, emitted: stat.values.emitted });
  }
  return edges;
}

/** Writes points and waits until httpOut shows the last one; returns its row. */
async function writeAndRead(api, id, measurement, seconds) {
  await api.write(
    DB,
    RP,
    seconds.map((t) => `${measurement},host=ops value=${t} ${ns(t)}`),
  );
  const last = seconds.at(-1);
  const series = await api.waitForOutput(id, 'out', (r) => r.series?.find((s) => s && rows(s).some((row) => sameInstant(row.time, last))), {
    what: `the point at ${isoAt(last)}`,
  });
  return rows(series).find((row) => sameInstant(row.time, last));
}

/**
 * Operations, against the socket-activated `versioned` UDF (lib/ops-setup.js):
 * a real Prometheus scrapes udf-run's --metrics and its point counts match
 * kapacitord's own edge statistics; a reload (SIGHUP) under a running task
 * gives the next task the new code while the running one keeps going.
 */
async function opsScenario(ctx) {
  const { api, step, ops, prometheus } = ctx;
  const script = (measurement) => `stream
    |from()
        .measurement('${measurement}')
    @versioned()
    |httpOut('out')
`;
  const socketCtx = { ...ctx, socketUdf: ops.child };

  // --- metrics, scraped by Prometheus, against kapacitord's own counts
  const id = 'e2e_ops_metrics';
  const N = 25;
  await step(`${id}: define + enable a task using the socket-activated UDF`, async () => {
    await api.defineTask({ id, type: 'stream', script: script('ops_m'), dbrps: DBRPS });
    await expectExecuting(api, id, true);
  });
  await step(`${id}: write ${N} points; the UDF tags them version=1`, async () => {
    const row = await writeAndRead(api, id, 'ops_m', [...Array(N).keys()]);
    check(row.version === 1, `expected version=1, got ${JSON.stringify(row)}`);
  });
  const node = await step(`${id}: Prometheus scraped ${N} points received and emitted for the task`, async () => {
    const received = await prometheus.waitFor(
      `kapacitor_udf_points_received_total{task="${id}"}`,
      (r) => r.length && promValue(r) === N && r,
      {
        what: `${N} points received`,
      },
    );
    await prometheus.waitFor(`kapacitor_udf_points_emitted_total{task="${id}"}`, (r) => r.length && promValue(r) === N, {
      what: `${N} points emitted`,
    });
    const labels = received[0].metric;
    check(labels.udf === 'versioned' && labels.node, `unexpected labels ${JSON.stringify(labels)}`);
    return labels.node;
  });
  await step(`${id}: the counts equal kapacitord's /kapacitor/v1/debug/vars for node ${node}'s edges`, async () => {
    const edges = await taskEdges(api, id);
    const into = edges.find((e) => e.child === node);
    const out = edges.find((e) => e.parent === node);
    check(into && out, `no edges into and out of ${node} in debug/vars: ${JSON.stringify(edges)}`);
    const received = promValue(await prometheus.query(`kapacitor_udf_points_received_total{task="${id}"}`));
    const emitted = promValue(await prometheus.query(`kapacitor_udf_points_emitted_total{task="${id}"}`));
    check(
      into.emitted === received && into.collected === received,
      `edge ${into.parent}->${node}: kapacitord collected ${into.collected}, emitted ${into.emitted}; our metrics say ${received} received`,
    );
    check(
      out.collected === emitted,
      `edge ${node}->${out.child}: kapacitord collected ${out.collected}; our metrics say ${emitted} emitted`,
    );
  });
  await step('metrics: process metrics, handler latency and /ready are served', async () => {
    const rss = await prometheus.query('process_resident_memory_bytes{job="kapacitor_udf"}');
    check(rss.length === 1 && Number(rss[0].value[1]) > 0, `no process_resident_memory_bytes: ${JSON.stringify(rss)}`);
    const lag = await prometheus.query('nodejs_eventloop_lag_seconds{job="kapacitor_udf"}');
    check(lag.length === 1, 'no nodejs_eventloop_lag_seconds');
    const timed = await prometheus.query(`kapacitor_udf_handler_duration_seconds_count{task="${id}"}`);
    check(promValue(timed) >= 1, `no handler latency observed: ${JSON.stringify(timed)}`);
    const ready = await fetch(`http://127.0.0.1:${ops.metricsPort}/ready`);
    check(ready.status === 200, `/ready answered ${ready.status}`);
  });
  await disableSocketTask(socketCtx, id);
  await step(`${id}: delete task`, () => api.deleteTask(id));

  // --- reload under a running task
  const a = 'e2e_ops_reload_a';
  const b = 'e2e_ops_reload_b';
  await step(`${a}: define + enable; its points get version=1`, async () => {
    await api.defineTask({ id: a, type: 'stream', script: script('ops_ra'), dbrps: DBRPS });
    await expectExecuting(api, a, true);
    const row = await writeAndRead(api, a, 'ops_ra', [0]);
    check(row.version === 1, `expected version=1, got ${JSON.stringify(row)}`);
  });
  await step('reload: rewrite the module (version=2), SIGHUP udf-run, it logs the reload', async () => {
    const since = ops.child.mark();
    ops.rewrite(2);
    process.kill(ops.child.proc.pid, 'SIGHUP');
    const line = await ops.child.waitForLine((l) => /reloaded|reload failed/.test(l), { since, timeoutMs: 15000, what: 'the reload' });
    check(/reloaded/.test(line), `the reload failed: ${line}`);
  });
  await step(`${b}: a task enabled after the reload runs the new code (version=2)`, async () => {
    await api.defineTask({ id: b, type: 'stream', script: script('ops_rb'), dbrps: DBRPS });
    await expectExecuting(api, b, true);
    const row = await writeAndRead(api, b, 'ops_rb', [0]);
    check(row.version === 2, `expected version=2, got ${JSON.stringify(row)}`);
  });
  await step(`${a}: the task running through the reload keeps going on its code (version=1)`, async () => {
    const row = await writeAndRead(api, a, 'ops_ra', [1, 2]);
    check(row.version === 1, `expected version=1, got ${JSON.stringify(row)}`);
    await expectExecuting(api, a, true);
    const open = await prometheus.waitFor(`kapacitor_udf_connection_open{task="${a}"}`, (r) => r.length && r, { what: 'the connection' });
    check(promValue(open) === 1, `task ${a}'s connection is not open: ${JSON.stringify(open)}`);
  });
  for (const task of [a, b]) {
    await disableSocketTask(socketCtx, task);
    await step(`${task}: delete task`, () => api.deleteTask(task));
  }
}

module.exports = { mirrorScenario, movingAvgScenario, outliersScenario, opsScenario, CheckFailed };
