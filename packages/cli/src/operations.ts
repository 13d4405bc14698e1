/**
 * What udf-run adds around a running server for operators: the --metrics
 * listener, --stats-interval lines, and reloading (`reload`, which
 * process-owner.ts calls on SIGHUP, and --watch). The listener starts
 * before the server (a wrong address or a port in use stops udf-run before
 * it accepts a task); the rest is attached once the server runs.
 */
import type { Logger } from '@kapacitor-udf/core';
import type { UdfClass } from '@kapacitor-udf/decorators';
import { formatMetricsAddress, MetricsListener } from './metrics-listener';
import { createMetricsRegistry, type ServerStats } from './metrics-registry';
import type { OpsArgs } from './ops-flags';
import { Reloader, type ReloadTarget, watchPackage } from './reload';
import { startStatsLines } from './stats-line';

/** What operations need from a running server. */
export interface ObservedServer {
  /** Every connection's figures (all threads) and the server's own. */
  collectStats(): Promise<ServerStats>;
  /** Makes `cls`, loaded as `generation`, the class of connections opened from now on (socket servers). */
  setUdfClass?(cls: UdfClass, generation: number): Promise<void>;
}

const EMPTY: ServerStats = { connections: [], server: { openConnections: 0, connections: 0, partialFrameBytes: 0, workerRestarts: 0 } };

export class Operations {
  private collect: () => Promise<ServerStats> = async () => EMPTY;
  private readonly stops: Array<() => void> = [];
  private reloader: Reloader | undefined;
  private stopWatching: (() => void) | undefined;

  private constructor(
    private readonly ops: OpsArgs,
    private readonly logger: Logger,
    private readonly fields: Record<string, unknown>,
    private readonly listener: MetricsListener | undefined,
  ) {}

  /** Starts the metrics listener when --metrics is given: a MetricsListenError (exit 2) when it cannot listen. */
  static async start(ops: OpsArgs, logger: Logger, fields: Record<string, unknown>): Promise<Operations> {
    let listener: MetricsListener | undefined;
    let operations: Operations | undefined;
    if (ops.metrics !== undefined) {
      const registry = createMetricsRegistry();
      listener = await MetricsListener.start(
        ops.metrics,
        {
          contentType: registry.contentType,
          render: async () => registry.render(await (operations as Operations).collect()),
        },
        logger,
      );
      logger.info('metrics listening', { ...fields, address: formatMetricsAddress(listener.address), paths: ['/metrics', '/ready'] });
    }
    operations = new Operations(ops, logger, fields, listener);
    return operations;
  }

  /** Whether the server must count its traffic (someone reads the counts). */
  get counting(): boolean {
    return this.ops.metrics !== undefined || this.ops.statsIntervalMs !== undefined;
  }

  /**
   * The server runs: metrics and stats lines read it from now on; with
   * `reload` (socket servers), reload() (SIGHUP) and --watch reload the UDF's module.
   */
  attach(server: ObservedServer, reload?: { target: ReloadTarget; load(generation: number): Promise<UdfClass> }): void {
    this.collect = () => server.collectStats();
    if (this.ops.statsIntervalMs !== undefined) {
      this.stops.push(startStatsLines(this.ops.statsIntervalMs, this.collect, this.logger, this.fields));
    }
    const setUdfClass = server.setUdfClass?.bind(server);
    // A process UDF serves one task with the code Kapacitor started it with: no reload.
    if (reload === undefined || setUdfClass === undefined) return;
    const reloader = new Reloader({ target: reload.target, logger: this.logger, load: reload.load, apply: setUdfClass });
    this.reloader = reloader;
    if (this.ops.watch) {
      this.stopWatching = watchPackage(reload.target.file, (changed) => void reloader.reload(`--watch: ${changed} changed`), this.logger);
      this.stops.push(this.stopWatching);
    }
  }

  /** Reloads the UDF's module (process-owner.ts on SIGHUP); undefined when the server cannot (a process UDF). */
  get reload(): ((why: string) => void) | undefined {
    const reloader = this.reloader;
    return reloader === undefined ? undefined : (why) => void reloader.reload(why);
  }

  /** The server stops accepting tasks: /ready answers 503 from now on. */
  draining(): void {
    this.listener?.setDraining();
    // No new connection will run new code: file changes reload nothing now.
    this.stopWatching?.();
  }

  /** Stops timers, watchers and the listener. */
  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.listener?.close();
  }
}
