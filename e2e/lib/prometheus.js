'use strict';
// A real Prometheus server for the operations scenario: Debian's
// `prometheus` package (installed with apt-get when missing and we are
// root), started on loopback with a temp config and data dir, scraping one
// target every second.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Child, sleep } = require('./child');

const CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

function findPrometheus() {
  for (const file of CANDIDATES) if (fs.existsSync(file)) return file;
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** The prometheus binary: found on the machine, or installed from Debian's package (root only). */
function ensurePrometheus(log) {
  const found = findPrometheus();
  if (found) return found;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('prometheus is not installed: run `apt-get install prometheus` (as root), then run this again');
  }
  log("prometheus not found: installing Debian's package (apt-get install prometheus)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { stdio: 'ignore', env });
  const installed = findPrometheus();
  if (!installed) throw new Error('apt-get install prometheus ran, but no prometheus binary is on the machine');
  return installed;
}

class Prometheus {
  constructor(child, port) {
    this.child = child;
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
  }

  /** Starts prometheus on 127.0.0.1:port scraping `target` (host:port) every second. */
  static async start({ bin, dir, port, target, jobName = 'kapacitor_udf' }) {
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        `  - job_name: ${jobName}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const child = new Child(
      'prometheus',
      bin,
      [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { cwd: dir, logFile: path.join(dir, 'prometheus.log') },
    );
    const prom = new Prometheus(child, port);
    const deadline = Date.now() + 30000;
    for (;;) {
      if (!child.running) throw new Error(`prometheus exited at start: ${child.tail(10).join('\n')}`);
      try {
        const res = await fetch(`${prom.base}/-/ready`);
        if (res.ok) return prom;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('prometheus did not become ready within 30 s');
      await sleep(200);
    }
  }

  /** An instant query: [{ metric: {labels}, value: [time, "value"] }]. */
  async query(expr) {
    const res = await fetch(`${this.base}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = await res.json();
    if (body.status !== 'success') throw new Error(`prometheus query ${expr} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  }

  /** The health of the scrape target(s): [{ health, lastError, scrapeUrl }]. */
  async targets() {
    const res = await fetch(`${this.base}/api/v1/targets`);
    const body = await res.json();
    return body.data.activeTargets;
  }

  /** Polls `expr` until `accept(result)` returns something truthy (returned), or times out. */
  async waitFor(expr, accept, { timeoutMs = 20000, what }) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      last = await this.query(expr);
      const got = accept(last);
      if (got) return got;
      if (Date.now() > deadline) throw new Error(`prometheus: no ${what} within ${timeoutMs} ms (last ${expr}: ${JSON.stringify(last)})`);
      await sleep(250);
    }
  }

  stop() {
    return this.child.stop(10000);
  }
}

module.exports = { ensurePrometheus, Prometheus };
