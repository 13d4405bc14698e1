'use strict';
// The few calls of Kapacitor's HTTP API (/kapacitor/v1) the end-to-end run
// needs, each failing with the status and body Kapacitor answered.

const { sleep } = require('./child');

class KapacitorApi {
  constructor(baseUrl) {
    this.base = `${baseUrl}/kapacitor/v1`;
  }

  async request(method, path, { json, body, expect = [200] } = {}) {
    const init = { method, headers: {} };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers['Content-Type'] = 'application/json';
    } else if (body !== undefined) {
      init.body = body;
      init.headers['Content-Type'] = 'text/plain';
    }
    let res;
    try {
      res = await fetch(this.base + path, init);
    } catch (err) {
      throw new Error(`${method} ${path}: ${err.cause?.message ?? err.message}`);
    }
    const text = await res.text();
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status} (expected ${expect.join(' or ')}): ${text.trim()}`);
    }
    return text ? JSON.parse(text) : null;
  }

  /** Polls /ping until Kapacitor answers 204, or until the check says to give up. */
  async waitForPing({ timeoutMs, giveUp }) {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      const reason = giveUp();
      if (reason) throw new Error(`kapacitord stopped before answering /ping: ${reason}`);
      try {
        const res = await fetch(`${this.base}/ping`);
        if (res.status === 204) return;
        last = `status ${res.status}`;
      } catch (err) {
        last = err.cause?.message ?? err.message;
      }
      await sleep(100);
    }
    throw new Error(`kapacitord did not answer /ping within ${timeoutMs} ms (last: ${last})`);
  }

  /** kapacitord's expvar statistics (per node and per edge of every running task). */
  debugVars() {
    return this.request('GET', '/debug/vars');
  }

  defineTask({ id, type, script, dbrps, status = 'enabled' }) {
    return this.request('POST', '/tasks', { json: { id, type, dbrps, script, status } });
  }

  getTask(id) {
    return this.request('GET', `/tasks/${encodeURIComponent(id)}`);
  }

  setTaskStatus(id, status) {
    return this.request('PATCH', `/tasks/${encodeURIComponent(id)}`, { json: { status } });
  }

  deleteTask(id) {
    return this.request('DELETE', `/tasks/${encodeURIComponent(id)}`, { expect: [204] });
  }

  /** Line protocol, timestamps in nanoseconds. */
  write(db, rp, lines) {
    const q = `?db=${encodeURIComponent(db)}&rp=${encodeURIComponent(rp)}&precision=ns`;
    return this.request('POST', `/write${q}`, { body: `${lines.join('\n')}\n`, expect: [204] });
  }

  /** Starts a recording: kind 'stream' ({ task, stop }), 'batch' ({ task, start, stop }) or 'query' ({ query, type }). */
  record(kind, options) {
    return this.request('POST', `/recordings/${kind}`, { json: options, expect: [201] });
  }

  /** Starts a replay of a recording for a task ({ task, recording, 'recording-time', clock }). */
  replay(options) {
    return this.request('POST', '/replays', { json: options, expect: [201] });
  }

  /** Polls a recording or replay (`/recordings/ID`, `/replays/ID`) until it is no longer running. */
  async waitFinished(path, { timeoutMs = 30000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.request('GET', path, { expect: [200, 202] });
      if (got.status !== 'running') {
        if (got.status !== 'finished') throw new Error(`${path} ended with status ${got.status}: ${got.error}`);
        return got;
      }
      if (Date.now() > deadline) throw new Error(`${path} still running after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** The httpOut endpoint of a task: { series: [...] } (the last point / batch of each group). */
  httpOut(id, endpoint) {
    return this.request('GET', `/tasks/${encodeURIComponent(id)}/${endpoint}`);
  }

  /** Polls httpOut until accept(result) returns a truthy value, which is returned. */
  async waitForOutput(id, endpoint, accept, { timeoutMs = 30000, what }) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      last = await this.httpOut(id, endpoint);
      const got = accept(last);
      if (got) return got;
      if (Date.now() > deadline) {
        throw new Error(
          `task ${id}: httpOut('${endpoint}') did not show ${what} within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`,
        );
      }
      await sleep(100);
    }
  }
}

module.exports = { KapacitorApi };
