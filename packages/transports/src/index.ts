export {
  type AgentCounts,
  type ConnectionGauges,
  type ConnectionSnapshot,
  ConnectionStats,
  DEFAULT_ENDED_RETENTION_MS,
  type HistogramSnapshot,
  LATENCY_BUCKETS,
  LATENCY_SAMPLE_EVERY,
  REQUEST_KINDS,
  type RequestKindName,
  type ServerSnapshot,
  StatsRegistry,
  type StatsTotals,
  totals,
} from './connection-stats';
export {
  InvalidTransportOptionError,
  SocketInUseError,
  SocketPathNotSocketError,
  SocketPathNotWritableError,
  TransportError,
  type TransportErrorCode,
  WorkerStartError,
} from './errors';
export {
  LIMIT_NAMES,
  LIMITS,
  type LimitName,
  type LimitScope,
  type LimitSpec,
  type LimitUnit,
} from './limits';
export type { ServeOptions } from './options';
export { prepareSocketPath } from './socket-path';
export {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SOCKET_MODE,
  type SocketOptions,
  type SocketServer,
  serveSocket,
} from './socket-server';
export { type StdioOptions, type StdioServer, serveStdio } from './stdio-server';
export { guardStdout, type StdoutGuard } from './stdout-guard';
export { loadUdfClass, type UdfSource } from './udf-module';
