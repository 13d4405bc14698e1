import * as path from 'node:path';
import { createLogger } from '@kapacitor-udf/core';
import type { LimitName, LimitUnit } from '@kapacitor-udf/transports';
import { type CliArgs, FLAG_NAMES, limitArg, limitFlag, parseCliArgs } from './args';
import type { Discovery, FoundUdf } from './discover';
import { CliError } from './errors';
import { HELP, version } from './help';
import { kapacitorConfSection } from './kapacitor-conf';
import { opsRunArgs } from './ops-flags';
import { ownProcess } from './process-owner';
import { ambiguityLines, ambiguousNames, describeSource, selectUdf } from './select-udf';

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
 * `undefined` once a server is running: udf-run then owns the process and
 * exits it when the server stops (process-owner.ts: stdio after EOF; both on
 * SIGINT/SIGTERM).
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
    const ambiguous = ambiguousNames(discovery);
    io.out(formatList(discovery, ambiguous));
    // The list is printed either way; the exit code says whether all of it
    // loaded and every name can be run.
    return discovery.failures.length === 0 && ambiguous.size === 0 ? 0 : 1;
  }
  if (udf === undefined) throw new Error('unreachable: no UDF selected');
  for (const failure of discovery.failures) {
    io.err(`udf-run: warning: ${failure.message}\n  (${udf.name} comes from ${udf.file} and runs regardless)`);
  }
  if (args.command === 'describe') {
    io.out(await describe(udf, args, discovery, dir));
    return 0;
  }
  // Every limit from the command line, by its API option name (--socket-mode
  // and --workers are refused without --socket); messages name our flags.
  const limits: Partial<Record<LimitName, number>> = {};
  for (const name of transports.LIMIT_NAMES) limits[name] = args[limitArg(name)];
  const logger = createLogger({ level: args.logLevel, stream: process.stderr });
  if (args.replay !== undefined) {
    const { runReplayCommand } = await import('./replay/replay-command');
    return runReplayCommand(udf, args, args.replay, { stdoutGuard, err: io.err });
  }
  const { Operations } = await import('./operations');
  // Before anything listens: a wrong --metrics address or a port in use
  // stops udf-run here (exit 2), before it accepts a task.
  const operations = await Operations.start(args.ops, logger, { udf: udf.name });
  const common = { ...limits, logger, optionNames: FLAG_NAMES, stats: operations.counting, onError: args.ops.onError };
  if (serveOverStdio) {
    if (process.stdin.isTTY) {
      io.err(
        `udf-run: serving ${udf.name} over stdin/stdout, which carry Kapacitor's binary protocol: ` +
          'Kapacitor starts this command itself (see --describe for the kapacitor.conf section). Ctrl-D ends it.',
      );
    }
    const server = transports.serveStdio(udf.cls, { ...common, stdoutGuard });
    operations.attach({ collectStats: () => server.stats() });
    ownProcess(
      {
        done: server.done,
        stop: (why) => server.stop(why),
        stopping: 'stopping, flushing pending output, then exiting',
        destroy: async () => undefined,
        uncaught: 'fatal',
        fail: (err) => server.close(err),
      },
      logger,
      { udf: udf.cls.name, transport: 'stdio', pid: process.pid },
    );
    return undefined;
  }
  const { takeListenFd, notUnixStreamSocket } = await import('./socket-activation');
  let listenFd: number | undefined;
  let server: Awaited<ReturnType<typeof transports.serveSocket>>;
  try {
    // systemd socket activation: serve the socket it passed instead of binding one.
    listenFd = takeListenFd();
    server = await transports.serveSocket(udf.cls, {
      ...common,
      path: args.socket as string,
      listenFd,
      onDraining: () => operations.draining(),
      // Worker threads load the class themselves: from where discovery found
      // it, through the same loader (TypeScript via ts-node, ES modules).
      ...(args.workers === undefined
        ? {}
        : { module: udf.file, exportName: udf.exportName, moduleLoader: require.resolve('./load-module') }),
    });
  } catch (err) {
    // Nothing serves: the metrics listener must not keep the process alive.
    await operations.close();
    const message = (err as Error | null)?.message ?? '';
    const passed = /^listenFd \d+: the passed socket is not a listening unix stream socket \((.*)\)$/s.exec(message);
    if (listenFd !== undefined && passed !== null) throw notUnixStreamSocket(passed[1]);
    throw err;
  }
  const found = udf;
  operations.attach(
    { collectStats: () => server.stats(), setUdfClass: (cls, generation) => server.setUdfClass(cls, generation) },
    {
      target: { name: found.name, file: found.file, exportName: found.exportName, className: found.className },
      // The module anew, through the loader discovery used (TypeScript via ts-node, ES modules).
      load: (generation) =>
        transports.loadUdfClass(
          { module: found.file, exportName: found.exportName },
          found.className,
          require.resolve('./load-module'),
          generation,
        ),
    },
  );
  ownProcess(
    {
      done: server.done,
      stop: () => void server.close(),
      stopping: 'finishing open connections',
      destroy: () => server.destroy(),
      uncaught: 'survive',
      fail: () => undefined,
      reload: operations.reload,
    },
    logger,
    { udf: udf.cls.name, transport: 'socket', path: server.path },
  );
  return undefined;
}

function formatList(discovery: Discovery, ambiguousByName: ReadonlyMap<string, FoundUdf[]>): string {
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
  const rows = discovery.udfs.map((u) => {
    const info = toInfoResponse(u.cls);
    const edges = `${edgeName(info.wants)} -> ${edgeName(info.provides)}`;
    const ambiguous = ambiguousByName.has(u.name) ? '  [ambiguous name]' : '';
    return { name: u.name, edges, where: describeSource(u) + ambiguous };
  });
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length));
  const edgeWidth = Math.max(...rows.map((r) => r.edges.length));
  const lines = [`${'NAME'.padEnd(nameWidth)}  ${'EDGES'.padEnd(edgeWidth)}  SOURCE`];
  for (const r of rows) lines.push(`${r.name.padEnd(nameWidth)}  ${r.edges.padEnd(edgeWidth)}  ${r.where}`);
  lines.push(...ambiguityLines(ambiguousByName), '', `Searched: ${discovery.searched}`, ...failedSection);
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
  // The limits given, as flags again, in a form the flag parses back to the same value.
  const { LIMIT_NAMES, LIMITS } = await import('@kapacitor-udf/transports');
  for (const name of LIMIT_NAMES) {
    const value = args[limitArg(name)];
    if (value !== undefined) runArgs.push(limitFlag(name), formatLimit(LIMITS[name].unit, value));
  }
  if (args.logLevel !== 'info') runArgs.push('--log-level', args.logLevel);
  runArgs.push(...opsRunArgs(args.ops, args.socket !== undefined));
  const section = kapacitorConfSection({
    name: udf.name,
    runArgs,
    socketPath: args.socket === undefined ? undefined : path.resolve(args.socket),
  });
  const declared = describeUdf(udf.cls).onError;
  const policy = args.ops.onError ?? declared;
  const policyLine =
    policy === 'skip'
      ? 'skip (a handler failing on one point or batch: logged, counted, dropped; the task goes on)'
      : 'fail (a handler failing on one point or batch ends the task)';
  const policySource = args.ops.onError !== undefined ? '--on-error' : declared === 'skip' ? '@Udf({ onError })' : 'default';
  return [
    formatDescription(describeUdf(udf.cls)).trimEnd(),
    '',
    `On error: ${policyLine} [${policySource}]`,
    '',
    `Source: ${describeSource(udf)}`,
    '',
    `kapacitor.conf (${args.socket === undefined ? 'process UDF: Kapacitor starts udf-run per task' : 'socket UDF'}):`,
    section,
  ].join('\n');
}

function formatLimit(unit: LimitUnit, value: number): string {
  switch (unit) {
    case 'ms':
      return `${value}ms`;
    case 'mode':
      return value.toString(8);
    default:
      return String(value);
  }
}

function formatError(err: unknown): string {
  if (err instanceof CliError) return `udf-run: ${err.message}`;
  // The transport speaks of servers and paths; here the server is udf-run and the path is --socket.
  if (err instanceof Error && (err as { code?: unknown }).code === 'ERR_SOCKET_IN_USE') {
    const { path: socketPath } = err as Error & { path: string };
    return `udf-run: another udf-run is serving ${socketPath}: stop it first or choose another --socket path`;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('ERR_')) return `udf-run: ${err.message}`;
  return `udf-run: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}
