'use strict';
// The two sets of UDFs a run can register with kapacitord: ours (the example
// packages run by the udf-run CLI) or Kapacitor's own Go reference examples
// (`--reference`, a check of the harness itself).

const fs = require('node:fs');
const path = require('node:path');

class NotBuiltError extends Error {
  constructor(missing) {
    super(
      `our UDFs are not built: missing ${missing.join(', ')}.\n` +
        `  Run \`npm ci && npm run build\` at the repository root, then run this again.`,
    );
    this.name = 'NotBuiltError';
    this.code = 'ERR_UDFS_NOT_BUILT';
  }
}

/** Newest mtime among the files under dir (0 when there is none). */
function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Our UDFs. Kapacitor 1.5.9's process UDF config has no working-directory
 * setting, so process UDFs name their module with `--module` instead of
 * relying on the example folder being the current directory; the socket UDF
 * is started by us, with cwd = its example folder.
 */
function ourUdfs(repo, socketPath, warn) {
  const cli = path.join(repo, 'packages/cli/dist/bin/udf-run.js');
  const examples = {
    mirror: path.join(repo, 'examples/mirror'),
    movingAvg: path.join(repo, 'examples/moving-avg'),
    outliers: path.join(repo, 'examples/outliers'),
  };
  const required = [cli, ...Object.values(examples).map((dir) => path.join(dir, 'dist/index.js'))];
  const missing = required.filter((f) => !fs.existsSync(f)).map((f) => path.relative(repo, f));
  if (missing.length) throw new NotBuiltError(missing);
  for (const dir of [
    path.join(repo, 'packages/core'),
    path.join(repo, 'packages/decorators'),
    path.join(repo, 'packages/transports'),
    path.join(repo, 'packages/cli'),
    ...Object.values(examples),
  ]) {
    if (newestMtime(path.join(dir, 'src')) > newestMtime(path.join(dir, 'dist'))) {
      warn(`${path.relative(repo, dir)}/src is newer than its dist: run \`npm run build\` to test the current sources`);
    }
  }
  const node = process.execPath;
  const moduleOf = (name) => path.join(examples[name], 'dist/index.js');
  return {
    label: 'ours (udf-run + examples/*)',
    socketServer: {
      cmd: node,
      args: [cli, 'mirror', '--socket', socketPath],
      cwd: examples.mirror,
    },
    conf: {
      mirror: { socket: socketPath },
      movingAvg: { prog: node, args: [cli, 'movingAvg', '--module', moduleOf('movingAvg')] },
      outliers: { prog: node, args: [cli, 'outliers', '--module', moduleOf('outliers')] },
    },
    names: { mirror: 'mirror', movingAvg: 'movingAvg', outliers: 'outliers' },
    mirrorHasFieldOption: true,
    isListening: (line) => /listening/.test(line),
    isConnectionOpened: (line) => /connection opened/.test(line),
    isProcess: (name, argv) => argv[1] === cli && argv[2] === name,
    // Our transports log one JSON line per event: "connection closed" ends a
    // clean conversation, "connection failed" one that ended in an error. A
    // process UDF's stderr reaches us through Kapacitor's log ("UDF log").
    processLogsClose: true,
    closeEvent: (line) => {
      if (/connection closed/.test(line)) return 'clean';
      if (/connection failed|could not start a connection/.test(line)) return 'failed';
      return null;
    },
  };
}

function referenceUdfs(bins, socketPath) {
  return {
    label: "Kapacitor's reference Go UDFs (udf/agent/examples)",
    socketServer: { cmd: bins.mirror, args: ['-socket', socketPath], cwd: path.dirname(bins.mirror) },
    conf: {
      mirror: { socket: socketPath },
      moving_avg: { prog: bins.moving_avg, args: [] },
      outliers: { prog: bins.outliers, args: [] },
    },
    names: { mirror: 'mirror', movingAvg: 'moving_avg', outliers: 'outliers' },
    // The reference mirror is the guide's first version, without `.field()`.
    mirrorHasFieldOption: false,
    isListening: (line) => /Server listening on/.test(line),
    isConnectionOpened: (line) => /Starting agent for connection/.test(line),
    isProcess: (name, argv) => argv[0] === bins[name],
    // The reference process UDFs log nothing when they end (an error would
    // be log.Fatal), so only the process exit is observed for them.
    processLogsClose: false,
    closeEvent: (line) => (/Agent for connection \d+ finished/.test(line) ? 'clean' : null),
  };
}

module.exports = { ourUdfs, referenceUdfs, NotBuiltError };
