#!/usr/bin/env node
'use strict';
// The `udf-run` command npm links. It is plain JavaScript committed as is,
// not compiled: npm links a package's bins when it installs it, which in a
// clone of the repository is before anything is built, and it makes no link
// to a file that does not exist yet (npx then falls back to the registry).
// This file always exists, so the link always does; the compiled program
// behind it is loaded here.
const fs = require('node:fs');
const path = require('node:path');

const program = path.join(__dirname, '..', 'dist', 'bin', 'udf-run.js');
if (fs.existsSync(program)) {
  require(program);
} else {
  process.stderr.write(
    `udf-run: ${program} does not exist: @kapacitor-udf/cli is not built.\n` +
      'In a clone of the kapacitor-udf repository, run `npm run build` at its root.\n',
  );
  process.exitCode = 1;
}
