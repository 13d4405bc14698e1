export { serveStdio, type StdioOptions, type StdioServer } from './stdio-server';
export {
  serveSocket,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SOCKET_MODE,
  type SocketOptions,
  type SocketServer,
} from './socket-server';
export { type ServeOptions } from './options';
export {
  TransportError,
  type TransportErrorCode,
  SocketInUseError,
  SocketPathNotSocketError,
  SocketPathNotWritableError,
  InvalidTransportOptionError,
  WorkerStartError,
} from './errors';
export { guardStdout, type StdoutGuard } from './stdout-guard';
