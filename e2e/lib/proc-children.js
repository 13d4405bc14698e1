'use strict';
// The child processes of a pid, read from /proc (Linux): process UDFs are
// kapacitord's children, not ours, so this is how the run sees them start
// and end.

const fs = require('node:fs');

/** [{ pid, argv }] of the live children of parentPid. */
function childProcesses(parentPid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== parentPid || fields[0] === 'Z') continue;
    let argv = [];
    try {
      argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    out.push({ pid: Number(name), argv });
  }
  return out;
}

function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

module.exports = { childProcesses, isAlive };
