#!/usr/bin/env node
'use strict';
// Plain JavaScript on purpose: npm links a workspace's bin when it installs
// (npm ci), before anything is compiled, so this file must exist in the
// repository. The scaffold itself is TypeScript, compiled into dist/.
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'main.js');
let main;
try {
  ({ main } = require(entry));
} catch (err) {
  if (!(err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(entry))) throw err;
  process.stderr.write(
    `create-kapacitor-udf is not built (${entry} is missing).\n` +
      'Run "npm run build" at the root of the kapacitor-udf repository, then try again.\n',
  );
}
process.exitCode = main === undefined ? 1 : main(process.argv.slice(2));
