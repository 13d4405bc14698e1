import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIMIT_NAMES, LIMITS, type LimitUnit } from '@kapacitor-udf/transports';
import { REPLAY_HELP } from './replay/replay-help';

/** What a limit's value looks like in --help, by unit. */
const PLACEHOLDERS: Record<LimitUnit, string> = { bytes: '<size>', ms: '<time>', count: '<n>', threads: '<n>', mode: '<octal>' };
const HELP_COLUMN = 29;
const HELP_WIDTH = 92;

/** One option line (or several) of --help: the flag, then its text wrapped in the second column. */
export function helpLines(flag: string, text: string): string {
  const lines: string[] = [];
  let line = `  ${flag}`;
  if (line.length >= HELP_COLUMN - 1) {
    lines.push(line);
    line = '';
  }
  line = line.padEnd(HELP_COLUMN);
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ''.padEnd(HELP_COLUMN);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The limits' part of --help, from the table in transports/src/limits.ts. */
function limitsHelp(): string {
  return LIMIT_NAMES.map((name) => {
    const { flag, unit, help, defaultText } = LIMITS[name];
    return helpLines(`--${flag} ${PLACEHOLDERS[unit]}`, `${help} (default ${defaultText})`);
  }).join('\n');
}

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
  -m, --module <file>        load UDFs from this file (repeatable)
  -C, --dir <dir>            find the current package from this directory (default: cwd)
  --log-level <level>        debug, info, warn or error (default info); logs are JSON
                             lines on stderr
  -l, --list                 list the UDFs found
  -d, --describe             describe the UDF and print its kapacitor.conf section
  -h, --help                 this help
  -v, --version              the package name, version and location of this udf-run

Operations (the cli README's "In production"):
  --on-error <fail|skip>     a handler failing on one point or batch: fail the task
                             (default), or skip: log, count and drop it, go on
                             (wins over @Udf({ onError }))
  --metrics <addr>           serve /metrics (Prometheus) and /ready on a loopback
                             host:port (e.g. 127.0.0.1:9464) or unix:PATH
  --stats-interval <time>    log one JSON stats line per interval on stderr (e.g. 1m)
  --watch                    with --socket: reload the UDF when a file of its
                             package changes (development); SIGHUP reloads too
  Socket activation: started by systemd with a listening socket (LISTEN_FDS),
  udf-run serves that socket instead of binding --socket.

Limits (docs/limits.md; --socket-mode and --workers only with --socket):
${limitsHelp()}

Times: 500ms, 10s, 2m, or a number of milliseconds.
Sizes: 1048576, 512KiB, 16MiB, 1MB.
Exit status: 0 after a clean end (input closed, or SIGTERM/SIGINT and a
clean stop), 1 on a fatal error or a second SIGTERM/SIGINT (which stops at
once), 2 for a wrong command line.
${REPLAY_HELP}`;

/**
 * What --version prints: the package's name and version, and where it is
 * installed, so a user sees which udf-run ran (npx may find another copy).
 */
export function version(): string {
  const dir = path.join(__dirname, '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version} (${dir})`;
}
