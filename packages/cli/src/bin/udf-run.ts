#!/usr/bin/env node
import { tolerateClosedStderr } from '../closed-stderr';
import { main } from '../main';

tolerateClosedStderr();

main(process.argv.slice(2)).then(
  (code) => {
    // undefined: a server runs and the transport exits the process when it ends.
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`udf-run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
