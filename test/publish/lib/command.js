'use strict';
// Runs one command of the publish test: its output is kept in a log file and
// shown (the tail) when it fails, so a failed step says what went wrong.

const fs = require('node:fs');
const { spawn } = require('node:child_process');
const { PublishTestError } = require('./errors');

/** Commands still running, ended by killRunning() when the test is interrupted. */
const running = new Set();

/** Last lines of a text, for error messages. */
function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Runs `cmd args` in `cwd` with `env`; resolves with { stdout, stderr } when it
 * exits 0, rejects with a PublishTestError (code ERR_COMMAND_FAILED) showing
 * the output's tail otherwise. `logFile` receives everything it printed.
 */
function runCommand(cmd, args, { cwd, env, logFile, timeoutMs = 600_000 }) {
  return new Promise((resolve, reject) => {
    const shown = `${cmd} ${args.join(' ')}`;
    // Its own process group, so killRunning() also ends what it started
    // (npm runs lifecycle scripts and tsc as its children).
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    log?.write(`$ ${shown}   (in ${cwd})\n`);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      log?.write(c);
    });
    child.stderr.on('data', (c) => {
      stderr += c;
      log?.write(c);
    });
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      running.delete(child);
      clearTimeout(timer);
      log?.end();
      reject(new PublishTestError('ERR_COMMAND_FAILED', `could not start \`${shown}\`: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      log?.end();
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (after ${timeoutMs} ms?)` : ''}` : `exited with ${code}`;
      reject(
        new PublishTestError(
          'ERR_COMMAND_FAILED',
          `\`${shown}\` in ${cwd} ${how}${logFile ? ` (full output: ${logFile})` : ''}:\n${tail(stdout + stderr)}`,
        ),
      );
    });
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Ends every command still running (and what it started), at once. */
function killRunning() {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

module.exports = { runCommand, killRunning, tail };
