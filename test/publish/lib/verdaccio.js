'use strict';
// A throw-away local npm registry (Verdaccio) for the publish test: storage
// and config in a temp directory, listening on 127.0.0.1 only. The packages
// this repository publishes are served from its own storage alone (no
// uplink), so an install that finds them proves they came from our publish;
// every other package is proxied to the registry npm is configured with.

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { PublishTestError } = require('./errors');
const { tail } = require('./command');
const { freePort } = require('../../../e2e/lib/free-port');

const START_TIMEOUT_MS = 60_000;
// No user is ever in this group: other package names cannot be published.
const NOBODY = 'kapacitor-udf-test-nobody';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class LocalRegistry {
  /**
   * @param {object} o
   * @param {string} o.bin      the verdaccio executable script
   * @param {string} o.dir      an empty temp directory for config, storage and log
   * @param {string} o.uplink   the registry every other package is proxied to
   * @param {string[]} o.localOnly  package name patterns served only from our publishes
   * @param {string} [o.cafile]  CA bundle npm trusts (`npm config get cafile`), trusted for the uplink too
   */
  constructor({ bin, dir, uplink, localOnly, cafile }) {
    this.bin = bin;
    this.cafile = cafile;
    this.dir = dir;
    this.uplink = uplink;
    this.localOnly = [...localOnly];
    this.port = undefined;
    this.proc = undefined;
    this.output = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Whether `name` is served from local storage only. */
  servesLocally(name) {
    return this.localOnly.some((p) => p === name || (p.endsWith('/*') && name.startsWith(p.slice(0, -1))));
  }

  writeConfig() {
    const local = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
    const packages = {};
    for (const pattern of this.localOnly) packages[pattern] = local;
    packages['**'] = { access: '$all', publish: NOBODY, unpublish: NOBODY, proxy: 'upstream' };
    const config = {
      storage: path.join(this.dir, 'storage'),
      auth: { htpasswd: { file: path.join(this.dir, 'htpasswd'), max_users: 10 } },
      uplinks: { upstream: { url: this.uplink, timeout: '60s', max_fails: 5 } },
      packages,
      web: { enable: false },
      server: { keepAliveTimeout: 60 },
      max_body_size: '200mb',
      listen: `127.0.0.1:${this.port}`,
      log: { type: 'stdout', format: 'pretty', level: 'warn' },
    };
    // YAML is a superset of JSON: Verdaccio reads this file as its YAML config.
    const file = path.join(this.dir, 'config.yaml');
    fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    return file;
  }

  /** Starts Verdaccio and resolves once it answers /-/ping. */
  async start() {
    if (this.port === undefined) this.port = await freePort();
    const config = this.writeConfig();
    const log = fs.createWriteStream(path.join(this.dir, 'verdaccio.log'), { flags: 'a' });
    // Its own process group, so stop() ends whatever it started too.
    this.proc = spawn(process.execPath, [this.bin, '--config', config], {
      cwd: this.dir,
      // Node does not read npm's cafile: without it, an uplink behind a
      // TLS-inspecting proxy fails where npm itself works.
      env: this.cafile && !process.env.NODE_EXTRA_CA_CERTS ? { ...process.env, NODE_EXTRA_CA_CERTS: this.cafile } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const proc = this.proc;
    for (const s of [proc.stdout, proc.stderr]) {
      s.on('data', (c) => {
        this.output += c;
        log.write(c);
      });
    }
    const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
    proc.on('close', () => log.end());
    this.exited = exited;
    let exit;
    exited.then((e) => (exit = e));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exit) {
        throw new PublishTestError(
          'ERR_REGISTRY_START',
          `Verdaccio exited (${exit.code ?? exit.signal}) while starting:\n${tail(this.output)}`,
        );
      }
      try {
        const res = await fetch(new URL('-/ping', this.url), { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new PublishTestError(
          'ERR_REGISTRY_START',
          `Verdaccio did not answer on ${this.url} within ${START_TIMEOUT_MS} ms:\n${tail(this.output)}`,
        );
      }
      await sleep(200);
    }
  }

  /**
   * Serves `names` locally too, restarting with the new config (storage is
   * kept). Only for names nothing has asked for yet: Verdaccio keeps the
   * upstream metadata it fetched and would go on serving it.
   */
  async addLocalOnly(names) {
    const fresh = names.filter((n) => !this.servesLocally(n));
    if (fresh.length === 0) return false;
    this.localOnly.push(...fresh);
    await this.stop();
    await this.start();
    return true;
  }

  /** Creates a user (npm adduser's request) and returns its auth token. */
  async addUser(name, password) {
    const res = await fetch(new URL(`-/user/org.couchdb.user:${encodeURIComponent(name)}`, this.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [] }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.token !== 'string') {
      throw new PublishTestError('ERR_REGISTRY_USER', `could not create a user on ${this.url}: ${res.status} ${JSON.stringify(body)}`);
    }
    return body.token;
  }

  /** The packument of `name` as the registry serves it (undefined: 404). */
  async packument(name) {
    const res = await fetch(new URL(name.replace('/', '%2f'), this.url));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new PublishTestError('ERR_REGISTRY_QUERY', `GET ${name} from ${this.url}: ${res.status}`);
    return res.json();
  }

  /** SIGTERM to its process group, SIGKILL after 5 s; safe to call twice. */
  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const kill = (sig) => {
      try {
        process.kill(-proc.pid, sig);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  /** For process 'exit' handlers: no waiting possible there. */
  killNow() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

module.exports = { LocalRegistry };
