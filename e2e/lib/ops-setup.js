'use strict';
// Setup of the operations scenario (issue "a UDF server operators can watch,
// start before kapacitord, and update without losing tasks"): a UDF module
// in the temp dir that the scenario rewrites to test reloads, and that UDF
// served by udf-run under systemd socket activation, with --metrics on.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Child } = require('./child');

/**
 * A stream UDF that tags every point with the code version that handled
 * it (field `version`). Plain CommonJS, decorators applied by hand, so the
 * scenario can rewrite it without a build.
 */
function versionedModule(repo, version) {
  const decorators = path.join(repo, 'packages/decorators');
  return `'use strict';
const { OnPoint, Udf } = require(${JSON.stringify(decorators)});
class Versioned {
  p(point) {
    return { ...point, fieldsDouble: { ...point.fieldsDouble, version: ${Number(version)} } };
  }
}
OnPoint()(Versioned.prototype, 'p', Object.getOwnPropertyDescriptor(Versioned.prototype, 'p'));
Udf({ wants: 'stream', provides: 'stream', name: 'versioned' })(Versioned);
module.exports = { Versioned };
`;
}

function findSocketActivate() {
  for (const file of ['/usr/bin/systemd-socket-activate', '/bin/systemd-socket-activate']) if (fs.existsSync(file)) return file;
  try {
    return execFileSync('sh', ['-c', 'command -v systemd-socket-activate'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Writes the module (version 1) and starts systemd-socket-activate holding
 * the socket: udf-run itself starts only when the first connection arrives
 * (kapacitord's Info request at boot), and serves the socket it is passed.
 */
function startSocketActivatedUdf({ repo, tmp, metricsPort }) {
  const activate = findSocketActivate();
  if (!activate) throw new Error("systemd-socket-activate is not installed (Debian's systemd package)");
  const dir = path.join(tmp, 'ops-udf');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ops-udf', version: '1.0.0', private: true }));
  const moduleFile = path.join(dir, 'versioned.js');
  fs.writeFileSync(moduleFile, versionedModule(repo, 1));
  const socketPath = path.join(tmp, 'versioned.sock');
  const cli = path.join(repo, 'packages/cli/dist/bin/udf-run.js');
  const args = [
    '-l',
    socketPath,
    process.execPath,
    cli,
    'versioned',
    '--module',
    moduleFile,
    '--socket',
    socketPath,
    '--metrics',
    `127.0.0.1:${metricsPort}`,
  ];
  const child = new Child('socket-activated UDF versioned', activate, args, { cwd: dir, logFile: path.join(tmp, 'versioned-udf.log') });
  return { child, moduleFile, socketPath, metricsPort, rewrite: (version) => fs.writeFileSync(moduleFile, versionedModule(repo, version)) };
}

/** The program a pid runs now (after systemd-socket-activate exec'd udf-run, the same pid runs node). */
function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

module.exports = { startSocketActivatedUdf, versionedModule, cmdlineOf };
