import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPLAY_HELP } from './replay/replay-help';

export const HELP = `udf-run: run a Kapacitor UDF written with kapacitor-udf.

Usage:
  udf-run <name> [options]                 serve over stdin/stdout (process UDF)
  udf-run <name> --socket <path> [options] serve on a unix socket (socket UDF)
  udf-run <name> --describe [--socket <path>]
                                           options, kapacitor.conf section, TICKscript usage
  udf-run --list                           the UDFs found and where they come from
  udf-run <name> --replay <file> [options] run it over a recording or line protocol (below)

<name> is the @Udf name or the class name.

Where UDFs are found:
  - the current package (nearest package.json from --dir): the modules in its
    "kapacitorUdf": { "modules": [...] } field, or its entry point;
  - installed dependencies whose package.json has a "kapacitorUdf" field
    ("kapacitorUdf": true means the package entry point);
  - at an npm workspace root, the workspace packages with a "kapacitorUdf" field;
  - or only the files given with --module (then nothing else is searched).
  TypeScript files run through ts-node; CommonJS and ES modules both load.
  A module that fails to load is reported (--list exits 1) without hiding
  the UDFs of the others.

Options:
  --socket <path>            listen on this unix socket instead of stdin/stdout
  --socket-mode <octal>      permission bits of the socket file (default 660)
  --shutdown-timeout <time>  on SIGINT/SIGTERM (and at end of input for a process UDF),
                             how long pending handlers and open connections may
                             finish before they are cut (default 10s)
  --workers <n>              serve the socket's connections on n worker threads
                             (CPU-heavy UDFs; default: all in the main thread)
  -m, --module <file>        load UDFs from this file (repeatable)
  -C, --dir <dir>            find the current package from this directory (default: cwd)
  --max-message-size <size>  largest accepted request (default 64MiB; e.g. 1048576, 16MiB)
  --handler-timeout <time>   fail the task when one handler call takes longer (default: none)
  --max-batch-points <n>     most points one batch collected for @OnBatch may hold
                             (default 1000000)
  --max-batch-size <size>    most bytes of points one collected batch may hold (default 128MiB)
  --max-queued-size <size>   bytes of requests that may wait behind a pending handler before
                             input pauses (default 64MiB; keepalives are answered until then)
  --max-partial-frames-size <size>
                             bytes all connections may hold in partially received
                             frames (default 128MiB)
  --frame-timeout <time>     fail a connection whose incomplete frame gets no byte for this
                             long (default 30s; 0 = never)
  --log-level <level>        debug, info, warn or error (default info); logs are JSON
                             lines on stderr
  -l, --list                 list the UDFs found
  -d, --describe             describe the UDF and print its kapacitor.conf section
  -h, --help                 this help
  -v, --version              the udf-run version

Times: 500ms, 10s, 2m, or a number of milliseconds.
Exit status: 0 after a clean end (input closed / SIGTERM), 1 on a fatal error,
2 for a wrong command line.
${REPLAY_HELP}`;

export function version(): string {
  const file = path.join(__dirname, '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
