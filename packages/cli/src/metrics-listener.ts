/**
 * The --metrics HTTP listener: `/metrics` (Prometheus text format) and
 * `/ready` (200 while the server accepts tasks, 503 once it drains at
 * shutdown), on a loopback host:port or a unix socket. Loopback only: the
 * labels name every task using the UDF, and a scrape costs CPU; a Prometheus
 * on another host reaches it through its own agent or a proxy.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Logger } from '@kapacitor-udf/core';
import { MetricsListenError, UsageError } from './errors';

export type MetricsAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const LOOPBACK_NAMES = new Set(['localhost', '::1']);

function isLoopback(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((part) => Number(part) <= 255) === true;
}

/** `127.0.0.1:9464`, `localhost:9464`, `[::1]:9464` or `unix:/run/udf/metrics.sock`. Port 0 picks a free one. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const example = 'e.g. --metrics 127.0.0.1:9464 or --metrics unix:/run/kapacitor-udf/metrics.sock';
  if (text.startsWith('unix:')) {
    const file = text.slice('unix:'.length);
    if (file === '') throw new UsageError(`--metrics unix: needs a socket path, ${example}`);
    return { kind: 'unix', path: path.resolve(file) };
  }
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (m === null) throw new UsageError(`--metrics must be a loopback host:port or unix:PATH, ${example}; got "${text}"`);
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--metrics: port ${port} is out of range (0-65535)`);
  if (!isLoopback(host)) {
    throw new UsageError(
      `--metrics ${text}: only a loopback address (127.0.0.1, ::1, localhost) or unix:PATH is served: the metrics name every task of this server; let a local Prometheus agent or a proxy carry them further`,
    );
  }
  return { kind: 'tcp', host, port };
}

export function formatMetricsAddress(address: MetricsAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export interface MetricsSource {
  /** The text exposition of the current stats. */
  render(): Promise<string>;
  readonly contentType: string;
}

export class MetricsListener {
  private draining = false;

  private constructor(
    private readonly server: http.Server,
    /** Where it listens (with the port actually bound, for port 0). */
    readonly address: MetricsAddress,
  ) {}

  /** Starts listening; a taken or forbidden address is a MetricsListenError (exit 2). */
  static async start(address: MetricsAddress, source: MetricsSource, logger: Logger): Promise<MetricsListener> {
    let listener: MetricsListener | undefined;
    const server = http.createServer((req, res) => listener?.handle(req, res, source, logger));
    // A scrape never holds a connection for long; keep-alive sockets would hold close() up.
    server.keepAliveTimeout = 5000;
    if (address.kind === 'unix') {
      const { prepareSocketPath } = await import('@kapacitor-udf/transports');
      try {
        await prepareSocketPath(address.path);
      } catch (err) {
        throw new MetricsListenError(formatMetricsAddress(address), (err as Error).message);
      }
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = formatMetricsAddress(address);
        if (err.code === 'EADDRINUSE')
          reject(new MetricsListenError(where, 'the address is in use (another udf-run or exporter?): pick another port'));
        else if (err.code === 'EACCES' || err.code === 'EPERM')
          reject(
            new MetricsListenError(where, 'permission denied: pick a port above 1023, or a unix: path in a directory this user may write'),
          );
        else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
          reject(new MetricsListenError(where, 'no such local address: use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT'));
        else reject(new MetricsListenError(where, err.message));
      });
      if (address.kind === 'unix') server.listen(address.path, () => resolve());
      else server.listen(address.port, address.host, () => resolve());
    });
    server.on('error', (err) => logger.error('metrics listener error', { error: err.message }));
    const bound: MetricsAddress =
      address.kind === 'unix' ? address : { kind: 'tcp', host: address.host, port: (server.address() as AddressInfo).port };
    listener = new MetricsListener(server, bound);
    return listener;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, source: MetricsSource, logger: Logger): void {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/ready') {
      res.writeHead(this.draining ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(this.draining ? 'draining\n' : 'ready\n');
      return;
    }
    if (url === '/metrics') {
      source.render().then(
        (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
        (err: unknown) => {
          logger.error('could not render the metrics', { error: err instanceof Error ? err.message : String(err) });
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('could not render the metrics\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('udf-run serves /metrics and /ready\n');
  }

  /** From now on /ready answers 503: the server stopped accepting tasks and finishes the open ones. */
  setDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
