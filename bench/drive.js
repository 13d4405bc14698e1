'use strict';
// Running one UDF under the load driver: a socket server started and
// stopped around a run, or a process the driver spawns; the driver's JSON
// result back.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { sleep } = require('./settings');
const { tail } = require('./build');

let socketSeq = 0;

// Starts a socket server and waits for its socket file.
async function startServer(row) {
  const socket = path.join(os.tmpdir(), `kudf-bench-${process.pid}-${socketSeq++}.sock`);
  fs.rmSync(socket, { force: true });
  const cmd = row.cmd.map((a) => a.replace('{socket}', socket));
  const child = spawn(cmd[0], cmd.slice(1), { cwd: row.cwd, env: row.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = `exited (${signal || code})`;
  });
  child.on('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + 15000;
  while (!fs.existsSync(socket)) {
    if (exited) throw new Error(`socket server ${exited}:\n${tail(stderr)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socket server did not create ${socket} within 15s:\n${tail(stderr)}`);
    }
    await sleep(50);
  }
  return {
    socket,
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
        clearTimeout(t);
      }
      fs.rmSync(socket, { force: true });
    },
  };
}

// Runs the driver against a row with extra driver flags; returns its JSON.
async function drive(driver, row, flags) {
  let server = null;
  const args = [...flags, ...(row.args || [])];
  if (row.raw) args.push('-raw');
  if (row.transport === 'socket') {
    server = await startServer(row);
    args.push('-mode', 'socket', '-socket', server.socket, '-pid', String(server.pid));
  } else {
    if (row.cwd) args.push('-cwd', row.cwd);
    args.push('--', ...row.cmd);
  }
  try {
    const { code, stdout, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(driver, args, { env: row.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err = (err + d).slice(-8000);
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    let result = null;
    try {
      result = JSON.parse(stdout.trim().split('\n').pop() || 'null');
    } catch {
      result = null;
    }
    if (code !== 0 || !result || result.error) {
      const why = result?.error || `driver exited with ${code}`;
      const more = tail(`${stderr}${server ? server.stderr() : ''}`, 6);
      throw new Error(`${why}${more ? `\n${more}` : ''}`);
    }
    return result;
  } finally {
    if (server) await server.stop();
  }
}

// One driver process against a running server; resolves with its JSON result.
function driverOnce(driver, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(driver, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let result = null;
      try {
        result = JSON.parse(out.trim().split('\n').pop() || 'null');
      } catch {
        result = null;
      }
      if (code !== 0 || !result || result.error || !result.runs) {
        reject(new Error(`${result?.error || `driver exited with ${code}`}${err ? `\n${tail(err, 4)}` : ''}`));
      } else resolve(result);
    });
  });
}

module.exports = { startServer, drive, driverOnce };
