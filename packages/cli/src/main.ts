import * as path from 'node:path';
import { type CliArgs, parseCliArgs } from './args';
import type { Discovery, FoundUdf } from './discover';
import { CliError } from './errors';
import { HELP, version } from './help';
import { kapacitorConfSection } from './kapacitor-conf';
import { describeSource, selectUdf } from './select-udf';

/** Where udf-run prints its human output (the protocol never goes through here). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * Runs udf-run with `argv` (without node and the script). Resolves with the
 * exit code for commands that finish (--list, --describe, errors), or with
 * `undefined` once a server is running: the transport then owns the process
 * and exits it (stdio: after EOF; socket: on SIGINT/SIGTERM).
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number | undefined> {
  try {
    return await run(parseCliArgs(argv), io);
  } catch (err) {
    io.err(formatError(err));
    return err instanceof CliError ? err.exitCode : 1;
  }
}

async function run(args: CliArgs, io: CliIo): Promise<number | undefined> {
  if (args.command === 'help') {
    io.out(HELP);
    return 0;
  }
  if (args.command === 'version') {
    io.out(version());
    return 0;
  }
  const dir = path.resolve(args.dir ?? process.cwd());
  // User modules may print while they load. Over stdio, stdout belongs to
  // the protocol from the first byte; for --list/--describe it holds our
  // report. Either way their output goes to stderr: the guard goes up first.
  // Loaded only now, so --help and --version stay instant.
  const { discoverUdfs } = await import('./discover');
  const transports = await import('@kapacitor-udf/transports');
  const stdoutGuard = transports.guardStdout();
  const serveOverStdio = args.command === 'run' && args.socket === undefined;
  let discovery: Discovery;
  let udf: FoundUdf | undefined;
  try {
    discovery = await discoverUdfs({ modules: args.modules, dir });
    if (args.command !== 'list') udf = selectUdf(discovery, args.name as string);
  } catch (err) {
    stdoutGuard.restore();
    throw err;
  }
  if (!serveOverStdio) stdoutGuard.restore();
  if (args.command === 'list') {
    io.out(formatList(discovery));
    // The list is printed either way; the exit code says whether all of it loaded.
    return discovery.failures.length === 0 ? 0 : 1;
  }
  if (udf === undefined) throw new Error('unreachable: no UDF selected');
  for (const failure of discovery.failures) {
    io.err(`udf-run: warning: ${failure.message}\n  (${udf.name} comes from ${udf.file} and runs regardless)`);
  }
  if (args.command === 'describe') {
    io.out(await describe(udf, args, discovery, dir));
    return 0;
  }
  const common = {
    maxMessageSize: args.maxMessageSize,
    handlerTimeoutMs: args.handlerTimeoutMs,
    maxBatchPoints: args.maxBatchPoints,
    maxBatchSize: args.maxBatchSize,
    maxQueuedSize: args.maxQueuedSize,
    maxPartialFramesSize: args.maxPartialFramesSize,
    frameTimeoutMs: args.frameTimeoutMs,
    logLevel: args.logLevel,
  };
  if (args.replay !== undefined) {
    const { runReplayCommand } = await import('./replay/replay-command');
    return runReplayCommand(udf, args, args.replay, { stdoutGuard, err: io.err });
  }
  if (serveOverStdio) {
    if (process.stdin.isTTY) {
      io.err(
        `udf-run: serving ${udf.name} over stdin/stdout, which carry Kapacitor's binary protocol: ` +
          'Kapacitor starts this command itself (see --describe for the kapacitor.conf section). Ctrl-D ends it.',
      );
    }
    transports.serveStdio(udf.cls, { ...common, stdoutGuard, shutdownTimeoutMs: args.shutdownTimeoutMs });
    return undefined;
  }
  await transports.serveSocket(udf.cls, {
    ...common,
    path: args.socket as string,
    mode: args.socketMode,
    shutdownTimeoutMs: args.shutdownTimeoutMs,
    // Worker threads load the class themselves: from where discovery found
    // it, through the same loader (TypeScript via ts-node, ES modules).
    ...(args.workers === undefined
      ? {}
      : { workers: args.workers, module: udf.file, exportName: udf.exportName, moduleLoader: require.resolve('./load-module') }),
  });
  return undefined;
}

function formatList(discovery: Discovery): string {
  const failed = discovery.failures.map((f) => `  ${f.message.split('\n').join('\n  ')}`);
  const failedSection =
    failed.length === 0
      ? []
      : [
          '',
          `Could not load ${failed.length === 1 ? 'this module' : `these ${failed.length} modules`} (their UDFs are missing above):`,
          ...failed,
        ];
  if (discovery.udfs.length === 0) return [`No UDFs found.`, `Searched: ${discovery.searched}`, ...failedSection].join('\n');
  const { toInfoResponse } = require('@kapacitor-udf/decorators') as typeof import('@kapacitor-udf/decorators');
  const counts = new Map<string, Set<unknown>>();
  for (const u of discovery.udfs) counts.set(u.name, (counts.get(u.name) ?? new Set()).add(u.cls));
  const rows = discovery.udfs.map((u) => {
    const info = toInfoResponse(u.cls);
    const edges = `${edgeName(info.wants)} -> ${edgeName(info.provides)}`;
    const ambiguous = (counts.get(u.name)?.size ?? 0) > 1 ? '  [ambiguous name]' : '';
    return { name: u.name, edges, where: describeSource(u) + ambiguous };
  });
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length));
  const edgeWidth = Math.max(...rows.map((r) => r.edges.length));
  const lines = [`${'NAME'.padEnd(nameWidth)}  ${'EDGES'.padEnd(edgeWidth)}  SOURCE`];
  for (const r of rows) lines.push(`${r.name.padEnd(nameWidth)}  ${r.edges.padEnd(edgeWidth)}  ${r.where}`);
  lines.push('', `Searched: ${discovery.searched}`, ...failedSection);
  return lines.join('\n');
}

function edgeName(edge: number): string {
  return edge === 1 ? 'batch' : 'stream';
}

async function describe(udf: FoundUdf, args: CliArgs, discovery: Discovery, dir: string): Promise<string> {
  const { describeUdf, formatDescription } = await import('@kapacitor-udf/decorators');
  const runArgs = [udf.name];
  if (args.modules.length > 0) {
    for (const m of args.modules) runArgs.push('--module', path.resolve(dir, m));
  } else {
    runArgs.push('--dir', discovery.packageDir ?? dir);
  }
  if (args.maxMessageSize !== undefined) runArgs.push('--max-message-size', String(args.maxMessageSize));
  if (args.handlerTimeoutMs !== undefined) runArgs.push('--handler-timeout', `${args.handlerTimeoutMs}ms`);
  if (args.maxBatchPoints !== undefined) runArgs.push('--max-batch-points', String(args.maxBatchPoints));
  if (args.maxBatchSize !== undefined) runArgs.push('--max-batch-size', String(args.maxBatchSize));
  if (args.maxQueuedSize !== undefined) runArgs.push('--max-queued-size', String(args.maxQueuedSize));
  if (args.maxPartialFramesSize !== undefined) runArgs.push('--max-partial-frames-size', String(args.maxPartialFramesSize));
  if (args.frameTimeoutMs !== undefined) runArgs.push('--frame-timeout', `${args.frameTimeoutMs}ms`);
  if (args.logLevel !== 'info') runArgs.push('--log-level', args.logLevel);
  if (args.shutdownTimeoutMs !== undefined) runArgs.push('--shutdown-timeout', `${args.shutdownTimeoutMs}ms`);
  if (args.socket !== undefined) {
    if (args.socketMode !== undefined) runArgs.push('--socket-mode', args.socketMode.toString(8));
    if (args.workers !== undefined) runArgs.push('--workers', String(args.workers));
  }
  const section = kapacitorConfSection({
    name: udf.name,
    runArgs,
    socketPath: args.socket === undefined ? undefined : path.resolve(args.socket),
  });
  return [
    formatDescription(describeUdf(udf.cls)).trimEnd(),
    '',
    `Source: ${describeSource(udf)}`,
    '',
    `kapacitor.conf (${args.socket === undefined ? 'process UDF: Kapacitor starts udf-run per task' : 'socket UDF'}):`,
    section,
  ].join('\n');
}

function formatError(err: unknown): string {
  if (err instanceof CliError) return `udf-run: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('ERR_')) return `udf-run: ${err.message}`;
  return `udf-run: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}
