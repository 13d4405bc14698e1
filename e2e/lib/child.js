'use strict';
// A child process whose output is kept (in memory and in a log file) so the
// run can wait for a log line and show the tail when something fails.

const fs = require('node:fs');
const { spawn } = require('node:child_process');

class Child {
  constructor(name, cmd, args, { cwd, logFile, env }) {
    this.name = name;
    this.logFile = logFile;
    this.lines = [];
    this.exit = null; // { code, signal } once exited
    this.proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('error', (err) => {
        this.lines.push(`[e2e] could not start ${cmd}: ${err.message}`);
        this.exit = { code: null, signal: null, error: err };
        resolve(this.exit);
      });
      this.proc.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    const out = fs.createWriteStream(logFile);
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      let rest = '';
      stream.on('data', (chunk) => {
        out.write(chunk);
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop();
        this.lines.push(...parts);
      });
      stream.on('end', () => {
        if (rest) this.lines.push(rest);
        rest = '';
      });
    }
    this.exited.then(() => out.end());
  }

  get running() {
    return this.exit === null;
  }

  /** Index to pass as `since` to waitForLine: only lines logged after now count. */
  mark() {
    return this.lines.length;
  }

  /** Resolves with the first line (index >= since) matching predicate; rejects on timeout or exit. */
  async waitForLine(predicate, { since = 0, timeoutMs = 10000, what }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = since; i < this.lines.length; i++) {
        if (predicate(this.lines[i])) return this.lines[i];
      }
      since = this.lines.length;
      if (!this.running) throw new Error(`${this.name} exited (${describeExit(this.exit)}) before logging ${what}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log ${what} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  tail(n = 30) {
    return this.lines.slice(-n);
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit. */
  async stop(graceMs = 10000) {
    if (!this.running) return this.exit;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.running && this.proc.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  killNow() {
    if (this.running) this.proc.kill('SIGKILL');
  }
}

function describeExit(exit) {
  if (!exit) return 'still running';
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { Child, describeExit, sleep };
