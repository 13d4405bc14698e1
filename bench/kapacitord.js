'use strict';
// The end-to-end section of `npm run bench`: a user's stream task in a real
// kapacitord (1.5.9, the binary e2e/ builds and caches), with no UDF, with
// our mirror (socket) and movingAvg (process), and with the Go agent's
// examples doing the same. Points are written over Kapacitor's HTTP write
// API in large bodies; a run ends when the edge after the UDF node counted
// every point (the task's dot graph, `processed=` on that edge).
//
// Reported per task: points/s from the first write until the last point was
// counted after the UDF, and the CPU µs per point of kapacitord and of the
// UDF process (utime + stime from /proc, the same window). Kapacitor and the
// UDF share the machine's cores, so a UDF's cost is also taken from
// kapacitord; a task's throughput is what a user sees.
//
// Skipped with a printed reason when no kapacitord is cached; with
// `npm run bench -- --kapacitord` it is built first (about 6.5 min of CPU).
//
// Settings (environment):
//   BENCH_KAPACITORD_POINTS  points a run (default 1,000,000)
//   BENCH_KAPACITORD_RUNS    interleaved repetitions (default 3)
//   BENCH_KAPACITORD_WARMUP  points through the task before the clock starts (default 50,000)
//   BENCH_KAPACITORD_BODY    lines per HTTP write (default 5,000)

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureKapacitord, cacheRoot, DEFAULT_VERSION } = require('../e2e/lib/kapacitord-build');
const { kapacitorConf } = require('../e2e/lib/kapacitor-conf');
const { KapacitorApi } = require('../e2e/lib/kapacitor-api');
const { Child, sleep } = require('../e2e/lib/child');
const { childProcesses } = require('../e2e/lib/proc-children');
const { freePort } = require('../e2e/lib/free-port');

const DB = 'bench';
const RP = 'autogen';
const SERIES = 100;
const WRITES_IN_FLIGHT = 2;

// Targets from the performance issues: task throughput, ours ÷ the Go
// agent's, and ours ÷ the floor peer's (the same transport: the ceiling of
// a UDF task in this kapacitord, measured).
const TARGETS = { mirror: 1.9, movingAvg: 1.3 };
const FLOOR_TARGET = 0.9;
const FLOOR_OF = { 'ours-mirror': 'floor-socket', 'ours-moving-avg': 'floor-process' };

class KapacitordBenchError extends Error {
  constructor(message) {
    super(message);
    this.name = 'KapacitordBenchError';
    this.code = 'ERR_BENCH_KAPACITORD';
  }
}

/** utime + stime of a process in seconds, or NaN when it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 for user space
  } catch {
    return NaN;
  }
}

/** The count on the edge leaving `node` in a task's dot graph. */
function processedAfter(dot, node) {
  const m = new RegExp(`\\b${node}\\d* -> \\w+ \\[processed="(\\d+)"\\]`).exec(dot);
  return m ? Number(m[1]) : NaN;
}

/** Line-protocol bodies of `points` cpu points (telegraf's shape, SERIES hosts), times rising from t0 (ns). */
function bodies(points, perBody, t0) {
  const out = [];
  for (let i = 0; i < points; i += perBody) {
    const lines = [];
    for (let j = i; j < Math.min(points, i + perBody); j++) {
      const host = `server${String(j % SERIES).padStart(2, '0')}`;
      const user = 50 + 10 * Math.sin(j * 0.37) + ((j * 7919) % 100) / 25;
      const idle = 100 - user;
      lines.push(`cpu,cpu=cpu-total,host=${host},region=us-west usage_user=${user},usage_idle=${idle} ${t0 + BigInt(j) * 1000000000n}`);
    }
    out.push(`${lines.join('\n')}\n`);
  }
  return out;
}

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * The tasks: id, UDF node name in the dot graph (the node whose outgoing
 * edge counts the points), TICKscript, and which UDF process to measure.
 */
function tasks() {
  const from = "stream\n  |from().measurement('cpu').groupBy('host')\n";
  const avg = ".field('usage_user').size(10).as('avg')";
  return [
    { id: 'none', label: 'no UDF', node: 'from', script: `${from}  |httpOut('out')\n` },
    {
      id: 'floor-socket',
      label: 'floor peer (C, echoes point frames)',
      transport: 'socket',
      node: 'floorSocket',
      udf: 'socket:floor',
      script: `${from}  @floorSocket()\n  |httpOut('out')\n`,
    },
    {
      id: 'floor-process',
      label: 'floor peer (C, echoes point frames)',
      transport: 'process',
      node: 'floorProcess',
      udf: 'process:floorProcess',
      script: `${from}  @floorProcess()\n  |httpOut('out')\n`,
    },
    {
      id: 'ours-mirror',
      label: '**ours: mirror**',
      transport: 'socket',
      job: 'mirror',
      ours: true,
      node: 'mirror',
      udf: 'socket:ours',
      script: `${from}  @mirror()\n  |httpOut('out')\n`,
    },
    {
      id: 'go-mirror',
      label: 'Go agent mirror',
      transport: 'socket',
      job: 'mirror',
      node: 'goMirror',
      udf: 'socket:go',
      script: `${from}  @goMirror()\n  |httpOut('out')\n`,
    },
    {
      id: 'ours-moving-avg',
      label: '**ours: movingAvg**',
      transport: 'process',
      job: 'movingAvg',
      ours: true,
      node: 'movingAvg',
      udf: 'process:movingAvg',
      script: `${from}  @movingAvg()${avg}\n  |httpOut('out')\n`,
    },
    {
      id: 'go-moving-avg',
      label: 'Go agent moving_avg',
      transport: 'process',
      job: 'movingAvg',
      node: 'goMovingAvg',
      udf: 'process:goMovingAvg',
      script: `${from}  @goMovingAvg()${avg}\n  |httpOut('out')\n`,
    },
  ];
}

/**
 * Runs the section. Returns null when not selected, { skipped } when no
 * kapacitord is available, else the measurements.
 */
async function measureKapacitord({ root, goPeers, floor, cli, build, log, intEnv }) {
  const points = intEnv('BENCH_KAPACITORD_POINTS', 1_000_000);
  const runs = intEnv('BENCH_KAPACITORD_RUNS', 3);
  const warmup = intEnv('BENCH_KAPACITORD_WARMUP', 50_000);
  const perBody = intEnv('BENCH_KAPACITORD_BODY', 5_000);

  const bin = path.join(cacheRoot(), `v${DEFAULT_VERSION}`, 'bin', 'kapacitord');
  if (!build && !fs.existsSync(bin)) {
    return {
      skipped: `no kapacitord ${DEFAULT_VERSION} cached in ${path.dirname(bin)}: run \`npm run bench -- --kapacitord\` to build it (about 6.5 min of CPU), or \`npm run e2e:kapacitor\``,
    };
  }
  for (const [name, peer] of Object.entries({ mirror: goPeers.mirror, moving_avg: goPeers.moving_avg })) {
    if (peer.missing) return { skipped: `the Go agent's ${name} is missing: ${peer.missing}` };
  }
  const missing = [cli, path.join(root, 'examples/mirror/dist/index.js'), path.join(root, 'examples/moving-avg/dist/index.js')].filter(
    (f) => !fs.existsSync(f),
  );
  if (missing.length) return { skipped: `missing: run npm run build (${missing.map((f) => path.relative(root, f)).join(', ')})` };

  const kap = await ensureKapacitord({ log });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kudf-bench-kapacitord-'));
  const children = [];
  // Without the floor peer (no C compiler) its tasks are left out.
  const result = {
    version: kap.version,
    points,
    runs,
    warmup,
    perBody,
    tasks: tasks().filter((t) => !t.id.startsWith('floor-') || !floor.missing),
    floorMissing: floor.missing,
    cells: new Map(),
    tmp,
  };
  try {
    const node = process.execPath;
    const oursSock = path.join(tmp, 'ours-mirror.sock');
    const goSock = path.join(tmp, 'go-mirror.sock');
    const ours = new Child('ours mirror (socket)', node, [cli, 'mirror', '--socket', oursSock], {
      cwd: path.join(root, 'examples/mirror'),
      logFile: path.join(tmp, 'ours-mirror.log'),
    });
    const goMirror = new Child('Go agent mirror (socket)', goPeers.mirror.bin, ['-socket', goSock], {
      cwd: tmp,
      logFile: path.join(tmp, 'go-mirror.log'),
    });
    children.push(ours, goMirror);
    const servers = [
      [ours, oursSock],
      [goMirror, goSock],
    ];
    const floorSock = path.join(tmp, 'floor.sock');
    let floorServer = null;
    if (!floor.missing) {
      floorServer = new Child('floor peer (socket)', floor.bin, ['-socket', floorSock], { cwd: tmp, logFile: path.join(tmp, 'floor.log') });
      children.push(floorServer);
      servers.push([floorServer, floorSock]);
    }
    for (const [child, sock] of servers) {
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(sock)) {
        if (!child.running || Date.now() > deadline)
          throw new KapacitordBenchError(`${child.name} did not create ${sock}:\n${child.tail(10).join('\n')}`);
        await sleep(50);
      }
    }
    const port = await freePort();
    const conf = kapacitorConf({
      dataDir: path.join(tmp, 'data'),
      port,
      logLevel: 'ERROR', // debug logging would be a cost per point of its own
      udfs: {
        mirror: { socket: oursSock },
        goMirror: { socket: goSock },
        movingAvg: { prog: node, args: [cli, 'movingAvg', '--module', path.join(root, 'examples/moving-avg/dist/index.js')] },
        goMovingAvg: { prog: goPeers.moving_avg.bin, args: [] },
        ...(floor.missing ? {} : { floorSocket: { socket: floorSock }, floorProcess: { prog: floor.bin, args: [] } }),
      },
    });
    const confPath = path.join(tmp, 'kapacitor.conf');
    fs.writeFileSync(confPath, conf);
    const kapacitord = new Child('kapacitord', kap.bin, ['-config', confPath], { cwd: tmp, logFile: path.join(tmp, 'kapacitord.log') });
    children.push(kapacitord);
    const api = new KapacitorApi(`http://127.0.0.1:${port}`);
    await api.waitForPing({ timeoutMs: 60000, giveUp: () => (kapacitord.running ? null : 'exited') });

    for (const t of result.tasks) {
      await api.defineTask({ id: t.id, type: 'stream', script: t.script, dbrps: [{ db: DB, rp: RP }], status: 'disabled' });
      result.cells.set(t.id, { runs: [] });
    }
    // One set of bodies, written again for every run: a task keeps no state
    // across runs (it is disabled, its UDF process ends or its connection closes).
    log(`kapacitord: preparing ${(warmup + points).toLocaleString('en-US')} points of line protocol...`);
    const all = bodies(warmup + points, perBody, 1_700_000_000_000_000_000n);
    const warmBodies = Math.ceil(warmup / perBody);
    const pidOf = async (t) => {
      if (t.udf === 'socket:ours') return ours.proc.pid;
      if (t.udf === 'socket:go') return goMirror.proc.pid;
      if (t.udf === 'socket:floor') return floorServer.proc.pid;
      if (!t.udf) return 0;
      const name = t.udf.split(':')[1];
      const bins = { goMovingAvg: goPeers.moving_avg.bin, floorProcess: floor.bin };
      const wanted = name === 'movingAvg' ? (argv) => argv.includes('movingAvg') : (argv) => argv[0] === bins[name];
      const deadline = Date.now() + 15000;
      for (;;) {
        const found = childProcesses(kapacitord.proc.pid).find((c) => wanted(c.argv));
        if (found) return found.pid;
        if (Date.now() > deadline) throw new KapacitordBenchError(`task ${t.id}: kapacitord started no ${name} process`);
        await sleep(50);
      }
    };

    for (let round = 1; round <= runs; round++) {
      log(`kapacitord: round ${round} of ${runs}...`);
      for (const t of result.tasks) {
        const cell = result.cells.get(t.id);
        if (cell.error) continue;
        try {
          const r = await runTask({
            api,
            t,
            all,
            warmBodies,
            warmCount: Math.min(warmup, warmBodies * perBody),
            points,
            kapPid: kapacitord.proc.pid,
            pidOf,
          });
          cell.runs.push(r);
          log(
            `  ${t.id}: ${Math.round(r.rate).toLocaleString('en-US')} points/s, kapacitord ${r.kapUs.toFixed(1)} µs a point` +
              (Number.isFinite(r.udfUs) ? `, UDF ${r.udfUs.toFixed(1)} µs a point` : ''),
          );
        } catch (err) {
          cell.error = `failed: ${err.message}`;
          log(`  ${t.id}: FAILED: ${err.message}`);
          await api.setTaskStatus(t.id, 'disabled').catch(() => undefined);
        }
        if (!kapacitord.running) throw new KapacitordBenchError(`kapacitord exited:\n${kapacitord.tail(20).join('\n')}`);
      }
    }
  } finally {
    for (const c of children.reverse()) await c.stop(10000);
  }
  fs.rmSync(result.tmp, { recursive: true, force: true });
  return result;
}

/** One task run: enable, warm up, write the measured points, wait for them after the UDF, disable. */
async function runTask({ api, t, all, warmBodies, warmCount, points, kapPid, pidOf }) {
  await api.setTaskStatus(t.id, 'enabled');
  const udfPid = await pidOf(t);
  const counted = async () => processedAfter((await api.getTask(t.id)).dot, t.node);
  const waitFor = async (n, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await counted();
      if (c >= n) return;
      if (Date.now() > deadline)
        throw new KapacitordBenchError(`task ${t.id}: ${c} of ${n} points after ${t.node} within ${timeoutMs / 1000} s`);
      await sleep(20);
    }
  };
  await writeAll(api, all.slice(0, warmBodies));
  await waitFor(warmCount, 120000);
  const kap0 = cpuSeconds(kapPid);
  const udf0 = udfPid ? cpuSeconds(udfPid) : NaN;
  const t0 = process.hrtime.bigint();
  await writeAll(api, all.slice(warmBodies));
  await waitFor(warmCount + points, 600000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const kapUs = ((cpuSeconds(kapPid) - kap0) * 1e6) / points;
  const udfUs = udfPid ? ((cpuSeconds(udfPid) - udf0) * 1e6) / points : NaN;
  await api.setTaskStatus(t.id, 'disabled');
  return { rate: points / seconds, seconds, kapUs, udfUs };
}

/** Writes the bodies with WRITES_IN_FLIGHT requests outstanding. */
async function writeAll(api, list) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const body = list[next++];
      await api.request('POST', `/write?db=${DB}&rp=${RP}&precision=ns`, { body, expect: [204] });
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
}

/** Markdown for the section; `targets` receives its target lines ({ label, measured, ok }). */
function reportKapacitord(result, targets) {
  if (!result) return '';
  const lines = ['## Through a real kapacitord', ''];
  if (result.skipped) {
    lines.push(`Skipped: ${result.skipped}`, '');
    for (const job of Object.keys(TARGETS)) {
      targets.push({
        label: `through kapacitord: ${job} task ≥ ${TARGETS[job]}× the Go agent's task`,
        measured: 'skipped (no kapacitord)',
        ok: null,
      });
    }
    for (const id of Object.keys(FLOOR_OF)) {
      targets.push({
        label: `through kapacitord: ${id} task ≥ ${FLOOR_TARGET * 100}% of the floor peer's task`,
        measured: 'skipped',
        ok: null,
      });
    }
    return `${lines.join('\n')}\n`;
  }
  const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  lines.push(
    `${result.version}; stream task \`from().measurement('cpu').groupBy('host')\` [→ UDF] → \`httpOut\`; ` +
      `${result.points.toLocaleString('en-US')} points a run (100 series) written over HTTP in bodies of ${result.perBody.toLocaleString('en-US')} lines, ` +
      `after ${result.warmup.toLocaleString('en-US')} warm-up points; a run ends when the edge after the UDF counted every point. ` +
      `${result.runs} interleaved rounds, medians. CPU µs per point from /proc (utime + stime), kapacitord and the UDF process, same window.`,
  );
  lines.push('');
  lines.push('| task | UDF transport | points/s | × Go agent | % of floor task | kapacitord CPU µs/point | UDF CPU µs/point |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  const rates = (id) => result.cells.get(id)?.runs.map((r) => r.rate) ?? [];
  const floorOf = (t) => (t.id.startsWith('floor-') || !t.transport ? null : t.transport === 'socket' ? 'floor-socket' : 'floor-process');
  const peerOf = { mirror: 'go-mirror', movingAvg: 'go-moving-avg' };
  const perRound = (id, peer) => {
    const a = rates(id);
    const b = rates(peer);
    const n = Math.min(a.length, b.length);
    return median(Array.from({ length: n }, (_, i) => a[i] / b[i]));
  };
  for (const t of result.tasks) {
    const cell = result.cells.get(t.id);
    if (cell.error) {
      lines.push(`| ${t.label} | ${t.transport || '—'} | ${cell.error.split('\n')[0].replace(/\|/g, '\\|')} | | | | |`);
      continue;
    }
    const vs = t.job ? perRound(t.id, peerOf[t.job]) : NaN;
    const vsFloor = floorOf(t) ? perRound(t.id, floorOf(t)) : NaN;
    lines.push(
      `| ${t.label} | ${t.transport || '—'} | ${Math.round(median(rates(t.id))).toLocaleString('en-US')} | ${Number.isFinite(vs) ? `${vs.toFixed(2)}×` : ''} ` +
        `| ${Number.isFinite(vsFloor) ? `${(vsFloor * 100).toFixed(0)}%` : ''} ` +
        `| ${fmt(median(cell.runs.map((r) => r.kapUs)), 1)} | ${fmt(median(cell.runs.map((r) => r.udfUs)), 1)} |`,
    );
  }
  lines.push('');
  lines.push(
    'The floor peer (`bench/peers/floor.c`) returns every point frame unchanged: its task is the most a UDF task can do in this kapacitord over that transport. ' +
      '"% of floor task" is the median of the per-round ratios.',
  );
  if (result.floorMissing) lines.push(`Floor tasks skipped: ${result.floorMissing}`);
  lines.push('');
  for (const [id, floorId] of Object.entries(FLOOR_OF)) {
    const t = result.tasks.find((x) => x.id === id);
    const label = `through kapacitord: ${t.label.replace(/\*/g, '')} task ≥ ${FLOOR_TARGET * 100}% of the floor peer's task (${t.transport})`;
    const err = result.floorMissing || result.cells.get(id).error || result.cells.get(floorId)?.error;
    const v = err ? NaN : perRound(id, floorId);
    targets.push({
      label,
      measured: Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : (err || 'no figures').split('\n')[0],
      ok: Number.isFinite(v) ? v >= FLOOR_TARGET : null,
    });
  }
  for (const [job, want] of Object.entries(TARGETS)) {
    const id = job === 'mirror' ? 'ours-mirror' : 'ours-moving-avg';
    const err = result.cells.get(id).error || result.cells.get(peerOf[job]).error;
    const v = err ? NaN : perRound(id, peerOf[job]);
    targets.push({
      label: `through kapacitord: ${job} task ≥ ${want}× the Go agent's task`,
      measured: Number.isFinite(v) ? `${v.toFixed(2)}×` : (err || 'no figures').split('\n')[0],
      ok: Number.isFinite(v) ? v >= want : null,
    });
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { measureKapacitord, reportKapacitord, processedAfter };
