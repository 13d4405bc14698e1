'use strict';
// A real conversation, as Kapacitor holds it, with the example UDF that
// `npm create kapacitor-udf` writes (packages/create-kapacitor-udf/template,
// the `deadband` UDF: passes a point on only when its `field` moved by at
// least `threshold` since the last one passed on, per group), run by the
// installed udf-run over a pipe. When the template's example changes, this
// scenario changes with it.

const assert = require('node:assert/strict');
const path = require('node:path');
const { PublishTestError } = require('./errors');

const EXPECTED_UDF = 'deadband';

/**
 * @param {object} o
 * @param {string} o.udfRun   the installed udf-run (node_modules/.bin/udf-run)
 * @param {string} o.udfName  the UDF listed from the scaffolded package
 * @param {string} o.cwd      the project it is installed in
 * @param {object} o.testing  the testing kit (@kapacitor-udf/testing) of this repository
 * @param {(msg: string) => void} o.log
 */
async function deadbandConversation({ udfRun, udfName, cwd, env, testing, log }) {
  if (udfName !== EXPECTED_UDF) {
    throw new PublishTestError(
      'ERR_SCAFFOLD_UDF',
      `the scaffold's example UDF is "${udfName}", but ${path.relative(process.cwd(), __filename)} drives "${EXPECTED_UDF}": ` +
        "update the scenario to the template's example UDF",
    );
  }
  const { KapacitorClient, point, pointsOf } = testing;

  // 1. Info, Init with options, points, EOF.
  let client = KapacitorClient.spawn(udfRun, [udfName], { cwd, env });
  try {
    const info = await client.info();
    assert.deepEqual(Object.keys(info.options).sort(), ['field', 'threshold'], 'Info lists the options field and threshold');
    assert.equal(info.wants, 0, 'Info: wants stream');
    assert.equal(info.provides, 0, 'Info: provides stream');
    log(`  Info: wants stream, provides stream, options ${Object.keys(info.options).join(', ')}`);

    const init = await client.init({ field: 'value', threshold: 0.5 });
    assert.deepEqual(init, { success: true, error: '' }, 'Init with field and threshold succeeds');
    log(`  Init (field 'value', threshold 0.5): success`);

    const sent = [
      point({ name: 'sensor', time: 1n, tags: { id: 'a' }, dimensions: ['id'], fields: { value: 1.0 } }),
      point({ name: 'sensor', time: 2n, tags: { id: 'a' }, dimensions: ['id'], fields: { value: 1.2 } }), // moved 0.2: dropped
      point({ name: 'sensor', time: 3n, tags: { id: 'b' }, dimensions: ['id'], fields: { value: 1.1 } }), // first of its group
      point({ name: 'sensor', time: 4n, tags: { id: 'a' }, dimensions: ['id'], fields: { value: 2.0 } }), // moved 1.0
    ];
    for (const p of sent) client.point(p);
    await client.close();
    const out = pointsOf(client.emitted);
    assert.deepEqual(out, [sent[0], sent[2], sent[3]], 'the points that moved by >= 0.5 in their group come back unchanged');
    log(`  ${sent.length} points sent, ${out.length} passed on (times ${out.map((p) => p.time).join(', ')}), as expected`);
  } catch (err) {
    throw withStderr(err, client);
  } finally {
    client.destroy();
  }

  // 2. An invalid option is refused at Init with a message naming it (the
  // package's validation dependency is installed and works).
  client = KapacitorClient.spawn(udfRun, [udfName], { cwd, env });
  try {
    await client.info();
    const init = await client.init({ field: 'value', threshold: -1.0 });
    assert.equal(init.success, false, 'Init with threshold -1 fails');
    assert.match(init.error, /threshold/, 'the Init error names the option');
    log(`  Init (threshold -1): refused: ${init.error}`);
  } catch (err) {
    throw withStderr(err, client);
  } finally {
    client.destroy();
  }
}

function withStderr(err, client) {
  const stderr = client.stderr.trim();
  if (!stderr) return err;
  return new PublishTestError('ERR_CONVERSATION', `${err.message}\nudf-run's stderr:\n${stderr.split('\n').slice(-30).join('\n')}`, {
    cause: err,
  });
}

module.exports = { deadbandConversation, EXPECTED_UDF };
