'use strict';
// The floor peer's rows (bench/peers/floor.c): a C program that answers the
// handshake and returns every point frame unchanged, decoding nothing. Its
// CPU per point under Kapacitor's delivery is the floor any UDF stands on
// (the kernel's pipe or socket, the wake-ups, the reads and writes); the
// Kapacitor-like section and the kapacitord section compare ours with it.
// Built with the system C compiler into BENCH_CACHE/bin/floor when the
// source is newer than the binary.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BENCH, CACHE, log } = require('./settings');

const SOURCE = path.join(BENCH, 'peers', 'floor.c');

let built = null;

/** { bin } or { missing } (cached per bench run). */
function buildFloor() {
  if (built) return built;
  const bin = path.join(CACHE, 'bin', 'floor');
  const fresh = fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= fs.statSync(SOURCE).mtimeMs;
  if (!fresh) {
    log('building the floor peer (cc)...');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const cc = process.env.CC || 'cc';
    const r = spawnSync(cc, ['-O2', '-pthread', '-o', bin, SOURCE], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      built = {
        missing: `skipped: ${cc} failed to build bench/peers/floor.c: ${(r.error?.message || r.stderr || '').trim().split('\n')[0]}`,
      };
      return built;
    }
  }
  built = { bin };
  return built;
}

function rows() {
  const floor = buildFloor();
  const cmd = (...args) => (floor.missing ? { missing: floor.missing } : { cmd: [floor.bin, ...args] });
  return [
    // Not in the bulk table (throughput: false): it is a row of the Kapacitor-like section.
    {
      id: 'floor-socket',
      label: 'floor (C, echoes point frames)',
      job: 'echo',
      transport: 'socket',
      throughput: false,
      ...cmd('-socket', '{socket}'),
    },
    { id: 'floor-process', label: 'floor (C, echoes point frames)', job: 'echo', transport: 'process', throughput: false, ...cmd() },
  ];
}

module.exports = { rows, buildFloor };
