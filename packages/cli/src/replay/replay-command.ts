/**
 * `udf-run NAME --replay FILE`: runs the UDF over a recording or line
 * protocol without a Kapacitor. The UDF runs in its real Agent, fed the
 * frames Kapacitor's UDF node would send (runReplay); what it emits goes to
 * stdout as line protocol or JSON lines. Stdout carries only that output:
 * the stdout guard stays up, so the UDF's own console output goes to stderr.
 */

import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createLogger, type Option } from '@kapacitor-udf/core';
import { createHandler } from '@kapacitor-udf/decorators';
import {
  encodedInput,
  optionsFromPairs,
  parseTickOptions,
  planInput,
  ReplayError,
  type ReplayInput,
  type ReplayPlan,
  runReplay,
} from '@kapacitor-udf/replay';
import type { StdoutGuard } from '@kapacitor-udf/transports';
import { type CliArgs, FLAG_NAMES } from '../args';
import type { FoundUdf } from '../discover';
import { CliError } from '../errors';
import type { ReplayArgs } from './replay-args';
import { ReplayOutputThread } from './replay-output-thread';

export interface ReplayIo {
  stdoutGuard: StdoutGuard;
  err(text: string): void;
}

/** Errors about the input: their message is prefixed with the file. */
const INPUT_ERRORS = new Set(['ERR_LINE_PROTOCOL', 'ERR_STREAM_RECORDING', 'ERR_BATCH_RECORDING']);

export async function runReplayCommand(udf: FoundUdf, args: CliArgs, replay: ReplayArgs, io: ReplayIo): Promise<number> {
  const out = io.stdoutGuard.protocolOut;
  // A closed stdout (EPIPE) fails the write under `out` too, whose listener
  // (ReplayOutputThread) stops the replay: on process.stdout it only must
  // not be an uncaught exception.
  process.stdout.on('error', () => undefined);
  // Options: TICKscript chains first, then --option pairs (typed by the declared options).
  const tickOptions: Option[] = replay.tick.flatMap((text) => parseTickOptions(text));
  const logger = createLogger({ level: args.logLevel, fields: { udf: udf.name, transport: 'replay' } });
  const restore = replay.restore === undefined ? undefined : readFile(replay.restore, '--restore');

  let held: () => number = () => 0;
  let skipped = 0;
  const input = openInput(replay, (h) => {
    held = h;
  });
  // Decoding and formatting what the UDF emits runs on a worker thread.
  const output = new ReplayOutputThread(replay.output, out);
  const started = process.hrtime.bigint();
  const busyBefore = performance.eventLoopUtilization();
  let result: Awaited<ReturnType<typeof runReplay>>;
  let emitted: { points: number; batches: number };
  try {
    try {
      result = await runReplay(input, {
        handler: (emitter) =>
          createHandler(udf.cls, emitter, {
            logger,
            maxBatchPoints: args.maxBatchPoints,
            maxBatchSize: args.maxBatchSize,
            optionNames: FLAG_NAMES,
            // --on-error wins over @Udf({ onError }), as when Kapacitor drives it.
            onError: args.ops.onError,
            onSkip: () => {
              skipped++;
            },
          }),
        maxMessageSize: args.maxMessageSize,
        optionNames: FLAG_NAMES,
        handlerTimeoutMs: args.handlerTimeoutMs,
        maxQueuedSize: args.maxQueuedSize,
        logger,
        options: (info) => [...tickOptions, ...optionsFromPairs(replay.options, info.options)],
        taskID: 'replay',
        nodeID: udf.name,
        restore,
        snapshot: replay.snapshotOut !== undefined,
        onResponseBytes: (chunk) => output.push(chunk),
        outputReady: () => output.ready(),
      });
    } finally {
      // What the UDF emitted before any error is written too.
      emitted = await output.end();
      await new Promise<void>((resolve) => out.write('', () => resolve()));
    }
  } catch (err) {
    // Whoever read stdout stopped (`| head`): it has what it wanted; stop
    // without a word, as other command-line tools on a closed pipe do.
    if (output.outputError?.code === 'EPIPE') return 0;
    if (err instanceof ReplayError && INPUT_ERRORS.has(err.code)) {
      const where = replay.file === '-' ? 'stdin' : replay.file;
      throw new ReplayError(err.code, `${where}: ${err.message}`, err.line, { cause: err });
    }
    throw err;
  }
  if (replay.snapshotOut !== undefined) fs.writeFileSync(replay.snapshotOut, result.snapshot ?? new Uint8Array());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // How much of that the UDF's own thread (agent and handlers) was busy: reading and output run on others.
  const busy = performance.eventLoopUtilization(busyBefore);
  const sent = result.batchesSent > 0 ? `${result.pointsSent} points in ${result.batchesSent} batches` : `${result.pointsSent} points`;
  const made = emitted.batches > 0 ? `${emitted.points} points in ${emitted.batches} batches` : `${emitted.points} points`;
  io.err(
    `udf-run: replayed ${sent} through ${udf.name} in ${seconds.toFixed(2)}s (its thread busy ${(busy.active / 1000).toFixed(2)}s); it emitted ${made}`,
  );
  const stillHeld = held();
  if (stillHeld > 0) {
    io.err(
      `udf-run: ${stillHeld} points were in windows still open at the end of the input and were not sent (a TICKscript window emits a window only when a later point closes it)`,
    );
  }
  if (skipped > 0) {
    io.err(
      `udf-run: ${skipped} points or batches were skipped because the handler failed on them (error policy skip; each is logged above)`,
    );
  }
  if (replay.snapshotOut !== undefined) io.err(`udf-run: snapshot written to ${replay.snapshotOut}`);
  return 0;
}

function readFile(file: string, flag: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliError('ERR_USAGE', `${flag} ${file}: ${(err as Error).message}`, 2);
  }
}

function checkReadable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    throw new CliError('ERR_USAGE', `--replay ${file}: ${(err as Error).message}`, 2);
  }
}

/**
 * The data of the replay, with the grouping and windowing of the flags
 * applied. A file is read and encoded on a worker thread (encodedInput), as
 * Kapacitor prepares requests apart from the UDF; stdin is read here.
 */
function openInput(replay: ReplayArgs, onHeld: (held: () => number) => void): ReplayInput {
  if (replay.file !== '-') checkReadable(replay.file);
  const grouping = replay.groupBy !== undefined || replay.groupByMeasurement;
  const plan: ReplayPlan = {
    format: replay.format,
    file: replay.file,
    precision: replay.precision,
    // One "now" for every line without a timestamp: the time the replay started.
    defaultTime: BigInt(Date.now()) * 1_000_000n,
    groupBy: grouping ? { dimensions: replay.groupBy ?? [], byName: replay.groupByMeasurement } : undefined,
    window:
      replay.batchEvery !== undefined
        ? { every: replay.batchEvery }
        : replay.batchPoints !== undefined
          ? { points: replay.batchPoints }
          : undefined,
  };
  if (replay.file === '-') return planInput(plan, process.stdin, onHeld);
  return encodedInput(plan, (held) => onHeld(() => held));
}
