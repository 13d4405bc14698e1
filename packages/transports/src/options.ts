import {
  createLogger,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_PARTIAL_FRAMES_SIZE,
  type Logger,
  type LogLevel,
  MAX_TIMER_MS,
} from '@kapacitor-udf/core';
import { InvalidTransportOptionError } from './errors';

/** Options shared by both transports. */
export interface ServeOptions {
  /** Largest accepted request body in bytes (default: core's 64 MiB). */
  maxMessageSize?: number;
  /** Abort the conversation when one handler call takes longer than this (0 = no limit, the default). */
  handlerTimeoutMs?: number;
  /** Most points one batch collected for @OnBatch may hold (default 1,000,000). */
  maxBatchPoints?: number;
  /** Most request bytes one batch collected for @OnBatch may hold (default 128 MiB). */
  maxBatchSize?: number;
  /** Bytes of requests held (beyond 1024) behind a pending handler before input pauses (default 64 MiB). */
  maxQueuedSize?: number;
  /** Bytes all connections of a thread may hold in partially received frames (default 128 MiB). */
  maxPartialFramesSize?: number;
  /** An incomplete frame with no new byte for this long ends its conversation (default 30 s, 0 = never). */
  frameTimeoutMs?: number;
  /** Where logs go; by default JSON lines on stderr at `logLevel`. */
  logger?: Logger;
  /** Level for the default logger (default 'info'). Ignored when `logger` is given. */
  logLevel?: LogLevel;
}

/** How long open conversations may finish after a stop request (SIGTERM, or EOF for a process UDF). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export function resolveLogger(options: ServeOptions): Logger {
  return options.logger ?? createLogger({ level: options.logLevel ?? 'info', stream: process.stderr });
}

/** Rejects nonsense early, with a message naming the option, instead of failing mid-conversation. */
export function checkServeOptions(options: ServeOptions): void {
  checkNonNegativeInteger('maxMessageSize', options.maxMessageSize, 1);
  checkTimerMs('handlerTimeoutMs', options.handlerTimeoutMs);
  checkNonNegativeInteger('maxBatchPoints', options.maxBatchPoints, 1);
  checkNonNegativeInteger('maxBatchSize', options.maxBatchSize, 1);
  checkNonNegativeInteger('maxQueuedSize', options.maxQueuedSize, 1);
  checkNonNegativeInteger('maxPartialFramesSize', options.maxPartialFramesSize, 1);
  checkTimerMs('frameTimeoutMs', options.frameTimeoutMs);
  const message = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const budget = options.maxPartialFramesSize ?? DEFAULT_MAX_PARTIAL_FRAMES_SIZE;
  if (budget < message) {
    throw new InvalidTransportOptionError(
      `maxPartialFramesSize (${budget} bytes) is smaller than maxMessageSize (${message} bytes): a message of the largest accepted size could never arrive; raise --max-partial-frames-size or lower --max-message-size`,
    );
  }
}

/** A number of ms a Node timer can honour: 0 (none) to 2^31 - 1 (about 24.8 days). */
export function checkTimerMs(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new InvalidTransportOptionError(
      `${name} must be an integer number of ms from 0 to ${MAX_TIMER_MS} (about 24.8 days), got ${String(value)}`,
    );
  }
}

export function checkNonNegativeInteger(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidTransportOptionError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
