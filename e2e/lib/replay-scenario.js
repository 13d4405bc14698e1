'use strict';
// Recordings made by kapacitord itself, replayed twice: inside kapacitord
// (`kapacitor replay`, POST /replays, with the recorded times) and offline
// with `udf-run --replay`. The same points must come out: values, tags,
// times, and their order within each series.
//
// - stream: `record stream` of a movingAvg task (grouped by host) while
//   points are written;
// - batch: `record batch` of an outliers batch task (its query runs against
//   lib/fake-influxdb.js) and `record query` of the same query.
// Kapacitor's side is captured through the task's httpPost node (every point
// or batch as a JSON row; httpOut only keeps the last one per group).

const path = require('node:path');
const { spawn } = require('node:child_process');

const DB = 'e2e';
const RP = 'autogen';
const T0_SECONDS = 1704067200; // 2024-01-01T00:00:00Z
const iso = (s) => new Date((T0_SECONDS + s) * 1000).toISOString();
const ns = (s) => BigInt(T0_SECONDS + s) * 1_000_000_000n;

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

/** Values for the outliers batches: host a and b, one per second, a few far off. */
function loadValue(host, s) {
  const base = host === 'a' ? 50 : 20;
  if (s % 17 === 5) return base + 400; // outliers
  return base + ((s * 7) % 11) - 5 + (host === 'b' ? 0.25 : 0);
}

/** The fake InfluxDB's answer to a SELECT: per host, the points inside the query's time bounds. */
function loadSeries(_query, { from, to }) {
  const series = [];
  for (const host of ['a', 'b']) {
    const values = [];
    for (let s = 0; s < 60; s++) {
      const t = (T0_SECONDS + s) * 1000;
      if (t >= from && t < to) values.push([iso(s), loadValue(host, s)]);
    }
    if (values.length > 0) series.push({ name: 'rp_load', tags: { host }, columns: ['time', 'value'], values });
  }
  return series;
}

/** Rows Kapacitor POSTed (models.Result JSON), as { series key -> [{ time, fields, tags }] } in arrival order. */
function kapacitorRows(bodies) {
  const out = new Map();
  for (const body of bodies) {
    for (const row of body.series ?? []) {
      if (!row) continue;
      const key = `${row.name} ${JSON.stringify(row.tags ?? {})}`;
      const list = out.get(key) ?? [];
      for (const v of row.values ?? []) {
        const fields = {};
        row.columns.forEach((c, i) => {
          if (c !== 'time') fields[c] = v[i];
        });
        list.push({ time: Date.parse(v[0]) * 1e6 + subMs(v[0]), fields });
      }
      out.set(key, list);
    }
  }
  return out;
}

/** The sub-millisecond nanoseconds of an RFC 3339 time (Date.parse keeps milliseconds only). */
function subMs(text) {
  const m = /\.(\d+)Z$/.exec(text);
  return m ? Number(m[1].padEnd(9, '0').slice(3)) : 0;
}

/** Our JSON lines (stream points or batches) in the same shape as kapacitorRows. */
function ourRows(stdout, batch) {
  const out = new Map();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const m = JSON.parse(line);
    const rows = batch ? (m.points ?? []).map((p) => ({ time: p.time, fields: p.fields })) : [{ time: m.time, fields: m.fields }];
    if (rows.length === 0) continue;
    const key = `${m.name} ${JSON.stringify(m.tags ?? {})}`;
    const list = out.get(key) ?? [];
    for (const r of rows) list.push({ time: Date.parse(r.time) * 1e6 + subMs(r.time), fields: r.fields });
    out.set(key, list);
  }
  return out;
}

function sameRows(kapacitor, ours, what) {
  const keys = [...kapacitor.keys()].sort();
  check(keys.length > 0, `${what}: kapacitord's replay produced no output`);
  check(
    JSON.stringify(keys) === JSON.stringify([...ours.keys()].sort()),
    `${what}: series differ: kapacitord ${JSON.stringify(keys)}, udf-run ${JSON.stringify([...ours.keys()].sort())}`,
  );
  let n = 0;
  for (const key of keys) {
    const a = kapacitor.get(key);
    const b = ours.get(key);
    check(a.length === b.length, `${what}: series ${key}: kapacitord gave ${a.length} points, udf-run ${b.length}`);
    for (let i = 0; i < a.length; i++) {
      const same = a[i].time === b[i].time && JSON.stringify(sortKeys(a[i].fields)) === JSON.stringify(sortKeys(b[i].fields));
      check(same, `${what}: series ${key}, point ${i + 1}: kapacitord ${JSON.stringify(a[i])}, udf-run ${JSON.stringify(b[i])}`);
      n++;
    }
  }
  return n;
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));
}

function runUdfRun(udfs, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [udfs.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`udf-run ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function waitPosts(influx, pathName, enough, what) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const bodies = influx.posted(pathName);
    if (enough(bodies)) return bodies;
    check(Date.now() < deadline, `${what}: kapacitord posted ${bodies.length} rows in 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function replayScenario(ctx) {
  const { api, step, influx, dataDir } = ctx;
  // Our process UDFs run as `node <udf-run> <name> --module <file>`: replay the same.
  const [cli, , , movingAvgModule] = ctx.udfs.conf.movingAvg.args;
  const outliersModule = ctx.udfs.conf.outliers.args[3];
  const udfs = { cli };

  // --- stream: record stream while points are written, replay both ways ---
  const streamTask = 'e2e_replay_stream';
  await step(`${streamTask}: define a movingAvg stream task (disabled: only the replay runs it)`, () =>
    api.defineTask({
      id: streamTask,
      type: 'stream',
      dbrps: [{ db: DB, rp: RP }],
      status: 'disabled',
      script: `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    @movingAvg()
        .field('usage_idle')
        .size(3)
        .as('avg')
    |httpPost('${influx.url}/stream')
`,
    }),
  );
  await step(`${streamTask}: record stream (POST /recordings/stream, stop at t=100s)`, () =>
    api.record('stream', { id: 'rec_stream', task: streamTask, stop: iso(100) }),
  );
  const written = [];
  await step(`${streamTask}: write 3 hosts x 30 s of points (doubles and integers), then one past the stop`, async () => {
    for (let s = 0; s < 30; s++) {
      const lines = ['a', 'b', 'c'].map((h, k) => {
        const v = s % 4 === 3 ? `${(s * 13 + k) % 100}i` : `${((s * 37 + k * 11) % 1000) / 10}`;
        return `cpu,host=${h},cpu=cpu${k} usage_idle=${v} ${ns(s) + BigInt(k * 1000 + 7)}`;
      });
      written.push(...lines);
      await api.write(DB, RP, lines);
    }
    await api.write(DB, RP, [`cpu,host=a usage_idle=1 ${ns(200)}`]);
  });
  await step(`${streamTask}: the recording finishes`, () => api.waitFinished('/recordings/rec_stream'));
  await step(`${streamTask}: kapacitor replay (recorded times, fast clock)`, async () => {
    await api.replay({ id: 'rep_stream', task: streamTask, recording: 'rec_stream', 'recording-time': true, clock: 'fast' });
    await api.waitFinished('/replays/rep_stream');
  });
  const kapStream = await step(`${streamTask}: kapacitord's httpPost got all 90 points`, async () => {
    const bodies = await waitPosts(influx, '/stream', (b) => b.length >= 90, 'stream replay');
    return kapacitorRows(bodies);
  });
  await step(`${streamTask}: udf-run --replay of kapacitord's .srpl gives the same points`, async () => {
    const file = path.join(dataDir, 'replay', 'rec_stream.srpl');
    const { stdout } = await runUdfRun(udfs, [
      'movingAvg',
      '--module',
      movingAvgModule,
      '--replay',
      file,
      '--tick',
      ".field('usage_idle').size(3).as('avg')",
      '--group-by',
      'host',
      '--output',
      'json',
    ]);
    const n = sameRows(kapStream, ourRows(stdout, false), 'stream replay');
    check(n === 90, `expected 90 points compared, compared ${n}`);
    ctx.log?.(`rec_stream: ${n} points compared, the same in kapacitord and udf-run`);
  });

  // --- batch: record batch and record query against the fake InfluxDB ---
  const batchTask = 'e2e_replay_batch';
  await step(`${batchTask}: define an outliers batch task (query every 20s, grouped by host)`, () =>
    api.defineTask({
      id: batchTask,
      type: 'batch',
      dbrps: [{ db: DB, rp: RP }],
      status: 'disabled',
      script: `batch
    |query('SELECT value FROM "${DB}"."${RP}"."rp_load"')
        .period(20s)
        .every(20s)
        .groupBy('host')
    @outliers()
        .field('value')
        .scale(1.5)
    |httpPost('${influx.url}/batch')
`,
    }),
  );
  for (const rec of [
    { id: 'rec_batch', kind: 'batch', options: { task: batchTask, start: iso(0), stop: iso(60) } },
    {
      id: 'rec_query',
      kind: 'query',
      options: {
        type: 'batch',
        query: `SELECT value FROM "${DB}"."${RP}"."rp_load" WHERE time >= '${iso(0)}' AND time < '${iso(60)}' GROUP BY host`,
      },
    },
  ]) {
    await step(`${batchTask}: record ${rec.kind} (${rec.id}; the query runs against the stand-in InfluxDB)`, async () => {
      await api.record(rec.kind, { id: rec.id, ...rec.options });
      await api.waitFinished(`/recordings/${rec.id}`);
    });
    const postPath = `/batch`;
    influx.clear(postPath);
    const kapBatch = await step(`${batchTask}: kapacitor replay of ${rec.id}`, async () => {
      await api.replay({ id: `rep_${rec.id}`, task: batchTask, recording: rec.id, 'recording-time': true, clock: 'fast' });
      await api.waitFinished(`/replays/rep_${rec.id}`);
      // Every batch is posted (with or without outliers); wait until the count is stable.
      let last = -1;
      for (;;) {
        await new Promise((r) => setTimeout(r, 300));
        const n = influx.posted(postPath).length;
        if (n === last) break;
        last = n;
      }
      return kapacitorRows(influx.posted(postPath));
    });
    await step(`${batchTask}: udf-run --replay of kapacitord's ${rec.id}.brpl gives the same outliers`, async () => {
      const file = path.join(dataDir, 'replay', `${rec.id}.brpl`);
      const { stdout } = await runUdfRun(udfs, [
        'outliers',
        '--module',
        outliersModule,
        '--replay',
        file,
        '--tick',
        ".field('value').scale(1.5)",
        '--output',
        'json',
      ]);
      const n = sameRows(kapBatch, ourRows(stdout, true), `${rec.id} replay`);
      check(n >= 2, `expected outliers for both hosts, compared ${n}`);
      ctx.log?.(`${rec.id}: ${n} outlier points compared, the same in kapacitord and udf-run`);
    });
  }
  for (const id of [streamTask, batchTask]) await step(`${id}: delete task`, () => api.deleteTask(id));
}

module.exports = { replayScenario, loadSeries };
