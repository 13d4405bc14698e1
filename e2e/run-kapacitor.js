#!/usr/bin/env node
'use strict';
// Conformance level 2: our UDFs driven by a real kapacitord.
//
//   npm run e2e:kapacitor              (ours: udf-run + examples/*; needs `npm run build`)
//   npm run e2e:kapacitor -- --reference   (Kapacitor's own Go example UDFs: checks the harness)
//   options: --kapacitor 1.7.6 (the other release known to build here; default 1.5.9),
//            --no-ops (skip the operations scenario: socket activation,
//            Prometheus scraping --metrics, reload; it needs systemd-socket-activate
//            and prometheus, installed with apt-get when missing),
//            --keep (keep the temp dir), --help
//
// kapacitord is built once from the Go module proxy into
// ~/.cache/kapacitor-udf-e2e (or $KAPACITOR_UDF_E2E_CACHE) and reused.
// Exits non-zero with a message on the first failed check.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureKapacitord, ensureReferenceUdfs, cacheRoot, DEFAULT_VERSION, SUPPORTED_VERSIONS } = require('./lib/kapacitord-build');
const { Child, describeExit } = require('./lib/child');
const { KapacitorApi } = require('./lib/kapacitor-api');
const { kapacitorConf } = require('./lib/kapacitor-conf');
const { ourUdfs, referenceUdfs } = require('./lib/udf-sets');
const { mirrorScenario, movingAvgScenario, outliersScenario, opsScenario } = require('./lib/scenarios');
const { startSocketActivatedUdf, cmdlineOf } = require('./lib/ops-setup');
const { ensurePrometheus, Prometheus } = require('./lib/prometheus');
const { freePort } = require('./lib/free-port');
const { startFakeInfluxdb } = require('./lib/fake-influxdb');
const { loadSeries, replayScenario } = require('./lib/replay-scenario');

const REPO = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const opts = { reference: false, keep: false, ops: true, kapacitor: DEFAULT_VERSION };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reference') opts.reference = true;
    else if (arg === '--kapacitor' || arg.startsWith('--kapacitor=')) {
      opts.kapacitor = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!SUPPORTED_VERSIONS.includes(opts.kapacitor)) {
        console.error(`--kapacitor must be one of ${SUPPORTED_VERSIONS.join(', ')}, got ${opts.kapacitor}`);
        process.exit(2);
      }
    } else if (arg === '--keep') opts.keep = true;
    else if (arg === '--no-ops') opts.ops = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        fs
          .readFileSync(__filename, 'utf8')
          .split('\n')
          .slice(2, 16)
          .join('\n')
          .replace(/^\/\/ ?/gm, ''),
      );
      process.exit(0);
    } else {
      console.error(`unknown option ${arg} (see --help)`);
      process.exit(2);
    }
  }
  return opts;
}

function log(msg) {
  console.log(`[e2e] ${msg}`);
}

/**
 * Disabling a socket-UDF task makes Kapacitor log its own wrapped "node
 * aborted" three times (see SOCKET_STOP_ERROR in lib/scenarios.js).
 */
function isKnownSocketStopError(line) {
  return /task=e2e_(mirror|ops_\w+)\b/.test(line) && /(err|error)="(\w+: )?stopping UDF server: node aborted"/.test(line);
}

function formatMs(ms) {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const timings = [];
  const children = [];
  let tmp = null;
  let failed = false;
  let influx = null;

  const step = async (name, fn) => {
    const started = performance.now();
    try {
      const result = await fn();
      const ms = performance.now() - started;
      timings.push({ step: name, ms });
      console.log(`  ok  ${name} (${formatMs(ms)})`);
      return result;
    } catch (err) {
      const ms = performance.now() - started;
      timings.push({ step: name, ms, failed: true });
      console.log(`  FAIL ${name} (${formatMs(ms)})`);
      throw err;
    }
  };

  const stopAll = () => {
    for (const c of children) c.killNow();
  };
  process.on('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  try {
    const kap = await step('kapacitord: build or reuse the cached binary', () => ensureKapacitord({ version: opts.kapacitor, log }));
    log(
      `${kap.version} — ${kap.bin}${kap.cached ? ` (cached; first build took ${kap.buildSeconds} s)` : ` (built in ${kap.buildSeconds} s)`}`,
    );

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kudf-e2e-'));
    const socketPath = path.join(tmp, 'mirror.sock');
    const udfs = opts.reference
      ? referenceUdfs(
          await step("reference UDFs: build or reuse Kapacitor's Go examples", () => ensureReferenceUdfs({ version: opts.kapacitor, log })),
          socketPath,
        )
      : await step('our UDFs: check they are built', () => ourUdfs(REPO, socketPath, (m) => log(`warning: ${m}`)));
    log(`UDFs: ${udfs.label}`);
    log(`temp dir: ${tmp}`);

    // Operations (ours only): the `versioned` socket UDF under systemd socket
    // activation. systemd-socket-activate holds its socket from now on;
    // udf-run itself starts only when kapacitord first connects.
    let ops = null;
    let prometheus = null;
    if (opts.ops && !opts.reference) {
      const prometheusBin = await step('prometheus: find or install (apt-get install prometheus)', () => ensurePrometheus(log));
      ops = await step('socket activation: systemd-socket-activate holds versioned.sock, udf-run not started', async () => {
        const started = startSocketActivatedUdf({ repo: REPO, tmp, metricsPort: await freePort() });
        children.push(started.child);
        const deadline = Date.now() + 10000;
        while (!fs.existsSync(started.socketPath)) {
          if (!started.child.running || Date.now() > deadline)
            throw new Error(`systemd-socket-activate did not create ${started.socketPath}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const argv = cmdlineOf(started.child.proc.pid);
        if (!/systemd-socket-activate$/.test(argv[0] ?? ''))
          throw new Error(`expected systemd-socket-activate to wait, it runs ${argv.join(' ')}`);
        return started;
      });
      ops.prometheusBin = prometheusBin;
      udfs.conf.versioned = { socket: ops.socketPath };
    }

    const port = await freePort();
    const confPath = path.join(tmp, 'kapacitor.conf');
    // A stand-in InfluxDB for the batch task and the recordings of the replay scenario.
    influx = await startFakeInfluxdb({ seriesFor: loadSeries });
    fs.writeFileSync(confPath, kapacitorConf({ dataDir: path.join(tmp, 'data'), port, udfs: udfs.conf, influxdbUrl: influx.url }));

    // The socket UDF runs on its own, before Kapacitor: kapacitord connects
    // to it at startup to read its options.
    const socketUdf = await step('socket UDF mirror: start and listen', async () => {
      const s = udfs.socketServer;
      const child = new Child('socket UDF mirror', s.cmd, s.args, { cwd: s.cwd, logFile: path.join(tmp, 'mirror-udf.log') });
      children.push(child);
      await child.waitForLine(udfs.isListening, { timeoutMs: 15000, what: 'that it listens' });
      if (!fs.existsSync(socketPath)) throw new Error(`the mirror UDF says it listens but ${socketPath} does not exist`);
      return child;
    });

    const api = new KapacitorApi(`http://127.0.0.1:${port}`);
    const kapacitord = await step(`kapacitord: start on 127.0.0.1:${port} and answer /ping`, async () => {
      const child = new Child('kapacitord', kap.bin, ['-config', confPath], { cwd: tmp, logFile: path.join(tmp, 'kapacitord.log') });
      children.push(child);
      await api.waitForPing({ timeoutMs: 60000, giveUp: () => (child.running ? null : describeExit(child.exit)) });
      return child;
    });

    const ctx = { api, udfs, step, socketUdf, kapacitord };
    await mirrorScenario(ctx);
    await movingAvgScenario(ctx);
    await outliersScenario(ctx);
    // udf-run --replay runs our UDFs only (the reference ones are Go programs).
    if (!opts.reference) await replayScenario({ ...ctx, influx, dataDir: path.join(tmp, 'data'), log });

    if (ops) {
      await step('socket activation: kapacitord started; its Info request started udf-run on the passed socket', async () => {
        await ops.child.waitForLine((l) => /listening/.test(l) && /systemd/.test(l), {
          timeoutMs: 15000,
          what: 'that it serves the passed socket',
        });
        const argv = cmdlineOf(ops.child.proc.pid);
        if (!argv.some((a) => a.endsWith('udf-run.js'))) throw new Error(`expected udf-run to run now, the process runs ${argv.join(' ')}`);
      });
      prometheus = await step("prometheus: start on loopback, scraping the UDF's --metrics every second", async () => {
        const promDir = path.join(tmp, 'prometheus');
        const p = await Prometheus.start({
          bin: ops.prometheusBin,
          dir: promDir,
          port: await freePort(),
          target: `127.0.0.1:${ops.metricsPort}`,
        });
        children.push(p.child);
        return p;
      });
      await opsScenario({ ...ctx, ops, prometheus });
    }

    await step('kapacitord: logged no error (but the known socket-UDF stop one)', () => {
      const errors = kapacitord.lines.filter((l) => /\blvl=error\b/.test(l) && !isKnownSocketStopError(l));
      if (errors.length) throw new Error(`kapacitord logged ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
    });
    await step('kapacitord: stop (SIGTERM) and exit 0', async () => {
      const exit = await kapacitord.stop(15000);
      if (exit.code !== 0) throw new Error(`kapacitord ended with ${describeExit(exit)}`);
    });
    await step('socket UDF mirror: stop (SIGTERM) and exit 0', async () => {
      const exit = await socketUdf.stop(15000);
      if (exit.code !== 0) throw new Error(`the mirror UDF ended with ${describeExit(exit)}`);
    });
    if (ops) {
      await step('socket-activated UDF versioned: stop (SIGTERM) and exit 0', async () => {
        const exit = await ops.child.stop(15000);
        if (exit.code !== 0) throw new Error(`the versioned UDF ended with ${describeExit(exit)}`);
      });
      await step('prometheus: stop', () => prometheus?.stop());
    }
  } catch (err) {
    failed = true;
    console.error(`\n[e2e] FAILED: ${err.message}`);
    for (const c of children) {
      console.error(`\n--- last lines of ${c.name} (${c.logFile}) ---\n${c.tail(40).join('\n')}`);
    }
  } finally {
    stopAll();
    await influx?.close();
  }

  const total = timings.reduce((sum, t) => sum + t.ms, 0);
  console.log('\nStep timings:');
  for (const t of timings) console.log(`  ${formatMs(t.ms).padStart(9)}  ${t.failed ? 'FAIL ' : ''}${t.step}`);
  console.log(`  ${formatMs(total).padStart(9)}  total`);
  if (tmp) {
    fs.writeFileSync(path.join(tmp, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    if (failed || opts.keep) console.log(`\n[e2e] logs, config and timings kept in ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`[e2e] cache: ${cacheRoot()}`);
  console.log(failed ? '[e2e] FAILED' : '[e2e] all checks passed');
  process.exit(failed ? 1 : 0);
}

main();
