/**
 * Errors udf-run reports before (or instead of) serving. Each extends core's
 * `UdfError` with a typed `code` and a message that says what to do;
 * `exitCode` is what the process exits with (2 for a wrong command line, 1
 * for everything else).
 */
import { UdfError } from '@kapacitor-udf/core';
import { loadFailureHint } from './load-hints';

/** Codes of {@link CliError}. */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_UNKNOWN_UDF'
  | 'ERR_DUPLICATE_UDF'
  | 'ERR_MODULE_NOT_FOUND'
  | 'ERR_MODULE_LOAD'
  | 'ERR_TS_NODE_MISSING'
  | 'ERR_BAD_PACKAGE_JSON'
  | 'ERR_METRICS_LISTEN'
  | 'ERR_SOCKET_ACTIVATION';

export class CliError extends UdfError<CliErrorCode> {
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, exitCode = 1) {
    super(code, message);
    this.exitCode = exitCode;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super('ERR_USAGE', `${message}\nRun "udf-run --help" for usage.`, 2);
  }
}

export class UnknownUdfError extends CliError {
  readonly requested: string;
  readonly suggestion: string | undefined;

  constructor(
    requested: string,
    available: string[],
    suggestion: string | undefined,
    searched: string,
    failures: readonly ModuleLoadError[] = [],
  ) {
    const lines = [`no UDF named "${requested}" was found.`];
    if (suggestion !== undefined) lines.push(`Did you mean "${suggestion}"?`);
    lines.push(available.length > 0 ? `Available UDFs: ${available.join(', ')}` : 'No UDFs were found at all.');
    if (failures.length > 0) {
      lines.push(
        `${failures.length === 1 ? 'This module' : 'These modules'} failed to load and may hold it; fix ${failures.length === 1 ? 'it' : 'them'} first:`,
      );
      for (const failure of failures) lines.push(`  ${failure.message.split('\n').join('\n  ')}`);
    }
    lines.push(`Searched: ${searched}`);
    lines.push('Use --module FILE to load a specific file, or "udf-run --list" to see every UDF and where it comes from.');
    super('ERR_UNKNOWN_UDF', lines.join('\n'));
    this.requested = requested;
    this.suggestion = suggestion;
  }
}

export class DuplicateUdfError extends CliError {
  /**
   * @param sources each class and where it was found, for the message
   * @param files the module file of each class: when they are all one file,
   *   --module cannot choose between them, and the advice says so
   */
  constructor(name: string, sources: string[], files: readonly string[] = []) {
    super(
      'ERR_DUPLICATE_UDF',
      `the name "${name}" is ambiguous: it belongs to ${sources.length} different UDF classes:\n` +
        sources.map((s) => `  - ${s}`).join('\n') +
        `\n${ambiguityAdvice(name, files)}`,
    );
  }
}

/** What resolves an ambiguous name: a rename always; --module only when the classes are in different files. */
export function ambiguityAdvice(name: string, files: readonly string[]): string {
  const distinct = new Set(files);
  if (files.length > 0 && distinct.size === 1) {
    return `They are all in ${files[0]}, so --module cannot choose: give each a name of its own with @Udf({ name: "..." }) (the name kapacitor.conf and TICKscripts use), or rename a class.`;
  }
  return `Give one a name of its own with @Udf({ name: "..." }), or run one module only with --module FILE (udf-run ${name} --module FILE).`;
}

export class ModuleLoadError extends CliError {
  readonly file: string;

  constructor(file: string, origin: string, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const hint = loadFailureHint(cause);
    super(
      'ERR_MODULE_LOAD',
      `could not load ${file} (${origin}):\n  ${reason.split('\n').join('\n  ')}${hint === undefined ? '' : `\n${hint}`}`,
    );
    this.file = file;
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\nCaused by: ${cause.stack}`;
  }
}

export class TsNodeMissingError extends CliError {
  constructor(file: string) {
    super(
      'ERR_TS_NODE_MISSING',
      `${file} is TypeScript, and running TypeScript directly needs ts-node, which is not installed.\n` +
        'Install it next to your UDFs (npm install --save-dev ts-node typescript), or compile them to JavaScript and point udf-run at the .js files.',
    );
  }
}

export class BadPackageJsonError extends CliError {
  constructor(file: string, reason: string) {
    super('ERR_BAD_PACKAGE_JSON', `${file}: ${reason}`);
  }
}

/** The --metrics listener cannot start (address taken, not permitted): exit 2, like a wrong command line. */
export class MetricsListenError extends CliError {
  constructor(address: string, why: string) {
    super('ERR_METRICS_LISTEN', `--metrics ${address}: ${why}`, 2);
  }
}

/** systemd passed something udf-run cannot serve (not one listening unix stream socket). */
export class SocketActivationError extends CliError {
  constructor(why: string) {
    super('ERR_SOCKET_ACTIVATION', `socket activation: ${why}`, 2);
  }
}
