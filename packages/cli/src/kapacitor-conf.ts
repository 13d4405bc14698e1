import * as path from 'node:path';

export interface ConfOptions {
  /** The function name in kapacitor.conf and TICKscript (`@name()`). */
  name: string;
  /** The udf-run arguments that select and configure the UDF (name, --dir/--module, tuning flags). */
  runArgs: string[];
  /** Serve on this socket; undefined for a process UDF. */
  socketPath?: string;
  /** Kapacitor's keepalive timeout for the UDF. */
  timeout?: string;
}

/** The udf-run command as an absolute path: the package's `bin` script (dist/ is one level below the package). */
export function binPath(): string {
  return path.join(__dirname, '..', 'bin', 'udf-run.js');
}

/**
 * The `[udf.functions.<name>]` section for kapacitor.conf.
 *
 * Process mode names node and the udf-run script by absolute path: kapacitord
 * starts the program with its own environment and working directory, where
 * `npx` and a relative path would not resolve (or would hit the network).
 * Which UDFs exist is pinned by --dir/--module in `runArgs` for the same reason.
 */
export function kapacitorConfSection(options: ConfOptions): string {
  const timeout = options.timeout ?? '10s';
  const lines: string[] = [];
  if (options.socketPath === undefined) {
    lines.push(`[udf.functions.${options.name}]`);
    lines.push(`  prog = ${tomlString(process.execPath)}`);
    lines.push(`  args = [${[binPath(), ...options.runArgs].map(tomlString).join(', ')}]`);
    lines.push(`  timeout = ${tomlString(timeout)}`);
  } else {
    const command = [process.execPath, binPath(), ...options.runArgs, '--socket', options.socketPath].map(shellQuote).join(' ');
    lines.push('# Start the socket server before kapacitord (and keep it running):');
    lines.push(`#   ${command}`);
    lines.push(`[udf.functions.${options.name}]`);
    lines.push(`  socket = ${tomlString(options.socketPath)}`);
    lines.push(`  timeout = ${tomlString(timeout)}`);
  }
  return lines.join('\n');
}

/** A TOML basic string (its escapes are a subset of JSON's for the characters paths contain). */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
