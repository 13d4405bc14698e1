'use strict';
// The rows of the bench: how to start each UDF (ours and the peers) and what
// the driver sends it. Row fields:
//   id, label      row id (BENCH_ONLY) and table label
//   job            rows that do the same work ("× Go agent" compares within a job)
//   transport      'process' (stdin/stdout) or 'socket' ('{socket}' in cmd is replaced)
//   cmd, cwd, env  how to start it; args: extra driver flags
//   raw            the peer echoes requests (the driver checks only frame kinds)
//   ours, peer     ours / the Go agent row of its job; batch: a batch UDF
//   throughput     false: not a row of the bulk throughput table (a row only
//                  another section runs, e.g. the floor peer in the Kapacitor-like one)
//   klRates        offered rates this row runs at in the Kapacitor-like section (default: all)
//   missing        why the row cannot run (printed instead of a figure)

const path = require('node:path');
const { ROOT, BENCH, CLI, TSPROTO_CODEC } = require('./settings');

// Rows defined in files of their own, each exporting rows(env) -> row[]
// (env: { go, py, ours } from run.js). Their rows come after the built-in ones.
// To add a row from a new file (e.g. bench/replay.js), add its module here.
const ROW_MODULES = [require('./floor'), require('./metrics-row')];

const STREAM_AVG = ['-opt', 'field:string:usage_user', '-opt', 'size:int:10', '-opt', 'as:string:avg'];
const BATCH_OUTLIERS = ['-kind', 'batch', '-batch-size', '1000', '-opt', 'field:string:usage_user', '-opt', 'scale:double:1.5'];

// Each row: how to start the UDF and what the driver sends it.
// job groups rows that do the same work (for "× Go agent").
function builtInRows(env) {
  const { go, py, ours } = env;
  const node = process.execPath;
  const ourMissing = (...files) => {
    const gone = files.filter((f) => ours.absent.has(f));
    return gone.length ? `missing: run npm run build (${gone.map((f) => path.relative(ROOT, f)).join(', ')})` : null;
  };
  const ex = (dir) => path.join(ROOT, 'examples', dir);
  const exDist = (dir) => path.join(ex(dir), 'dist', 'index.js');
  const pyRow = (script, extra) =>
    py.missing ? { missing: `skipped: ${py.missing}` } : { cmd: [py.python, path.join(py.examples, script), ...extra], env: py.env };
  const goRow = (name, extra = []) =>
    go.peers[name].missing ? { missing: go.peers[name].missing } : { cmd: [go.peers[name].bin, ...extra] };
  return [
    { id: 'cat', label: '`cat` (pipe limit)', job: 'echo', transport: 'process', raw: true, cmd: ['cat'] },
    {
      id: 'frame-echo',
      label: 'Node frame-echo',
      job: 'echo',
      transport: 'process',
      raw: true,
      cmd: [node, path.join(BENCH, 'peers', 'frame-echo.js')],
    },
    {
      id: 'tsproto-mirror',
      label: 'plain ts-proto mirror (Node)',
      job: 'mirror',
      transport: 'process',
      missing: ourMissing(TSPROTO_CODEC),
      cmd: [node, path.join(BENCH, 'peers', 'tsproto-mirror.js')],
    },

    {
      id: 'go-mirror',
      label: 'Go agent mirror',
      job: 'mirror',
      transport: 'socket',
      peer: true,
      ...goRow('mirror', ['-socket', '{socket}']),
    },
    {
      id: 'py-mirror',
      label: 'Python agent mirror',
      job: 'mirror',
      transport: 'socket',
      ...pyRow(path.join('mirror', 'mirror.py'), ['{socket}']),
    },
    {
      id: 'ours-mirror-socket',
      label: '**ours: mirror**',
      job: 'mirror',
      transport: 'socket',
      ours: true,
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror', '--socket', '{socket}'],
    },
    {
      id: 'ours-mirror-process',
      label: 'ours: mirror',
      job: 'mirror',
      transport: 'process',
      ours: true,
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror'],
    },
    // Not Kapacitor's frames: map entries sorted by key, the order the
    // decoder's caches were first tuned to. Kept to show what that order is worth.
    {
      id: 'ours-mirror-socket-sorted',
      label: 'ours: mirror, frames with sorted map entries',
      job: 'mirror',
      transport: 'socket',
      ours: true,
      args: ['-deterministic'],
      missing: ourMissing(CLI, exDist('mirror')),
      cwd: ex('mirror'),
      cmd: [node, CLI, 'mirror', '--socket', '{socket}'],
    },

    {
      id: 'go-moving-avg',
      label: 'Go agent moving_avg',
      job: 'moving_avg',
      transport: 'process',
      peer: true,
      args: STREAM_AVG,
      ...goRow('moving_avg'),
    },
    {
      id: 'py-moving-avg',
      label: 'Python agent moving_avg',
      job: 'moving_avg',
      transport: 'process',
      args: STREAM_AVG,
      ...pyRow(path.join('moving_avg', 'moving_avg.py'), []),
    },
    {
      id: 'ours-moving-avg',
      label: '**ours: movingAvg**',
      job: 'moving_avg',
      transport: 'process',
      ours: true,
      args: STREAM_AVG,
      missing: ourMissing(CLI, exDist('moving-avg')),
      cwd: ex('moving-avg'),
      cmd: [node, CLI, 'movingAvg'],
    },

    {
      id: 'go-outliers',
      label: 'Go agent outliers',
      job: 'outliers',
      transport: 'process',
      peer: true,
      batch: true,
      args: BATCH_OUTLIERS,
      ...goRow('outliers'),
    },
    {
      id: 'py-outliers',
      label: 'Python agent outliers',
      job: 'outliers',
      transport: 'process',
      batch: true,
      args: BATCH_OUTLIERS,
      ...pyRow(path.join('outliers', 'outliers.py'), []),
    },
    {
      id: 'ours-outliers',
      label: '**ours: outliers**',
      job: 'outliers',
      transport: 'process',
      ours: true,
      batch: true,
      args: BATCH_OUTLIERS,
      missing: ourMissing(CLI, exDist('outliers')),
      cwd: ex('outliers'),
      cmd: [node, CLI, 'outliers'],
    },
  ];
}

/** Every row: the built-in ones, then those of ROW_MODULES. */
function rows(env) {
  return [...builtInRows(env), ...ROW_MODULES.flatMap((m) => m.rows(env))];
}

module.exports = { rows, STREAM_AVG, BATCH_OUTLIERS };
