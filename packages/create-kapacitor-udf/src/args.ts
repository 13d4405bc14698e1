import { ScaffoldError } from './errors';

export type ScaffoldArgs = { command: 'create'; dir: string; name?: string; force: boolean } | { command: 'help' } | { command: 'version' };

/** Reads the command line (without node and the script). */
export function parseArgs(argv: readonly string[]): ScaffoldArgs {
  const positional: string[] = [];
  let name: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { command: 'help' };
    if (arg === '-v' || arg === '--version') return { command: 'version' };
    if (arg === '--force' || arg === '-f') {
      force = true;
    } else if (arg === '--name' || arg.startsWith('--name=')) {
      const value = arg === '--name' ? argv[++i] : arg.slice('--name='.length);
      if (value === undefined || value === '') throw usage('--name needs a value: --name <package-name>');
      if (name !== undefined) throw usage('--name is given twice');
      name = value;
    } else if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw usage(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length === 0) throw usage('say where to create the package, e.g. "npm create kapacitor-udf my-udfs"');
  if (positional.length > 1) throw usage(`one directory only, given ${positional.length}: ${positional.join(' ')}`);
  return { command: 'create', dir: positional[0], ...(name === undefined ? {} : { name }), force };
}

function usage(message: string): ScaffoldError {
  return new ScaffoldError('ERR_USAGE', `${message}\nRun "create-kapacitor-udf --help" for usage.`);
}
