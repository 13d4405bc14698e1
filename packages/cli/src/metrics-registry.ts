/**
 * The Prometheus view of a UDF server's stats, built with prom-client: the
 * per-connection families (labelled udf, task, node, connection) are read
 * from connection snapshots at scrape time, the server's own gauges and the
 * process's metrics (CPU, RSS, heap, event-loop lag; prom-client's names)
 * through prom-client collect() callbacks.
 *
 * Not prom-client's collectDefaultMetrics(): it observes every GC and keeps
 * an event-loop delay monitor running between scrapes, which cost the
 * socket mirror about 3% CPU per point and up to 15% of its full-speed
 * throughput (bench driver, 5 rounds). Everything here is read only when
 * scraped.
 *
 * Why prom-client: the de-facto Prometheus client for Node, maintained, with
 * a correct text exposition (escaping, histogram layout) and the standard
 * process_* / nodejs_* metrics every Node dashboard already knows.
 */
import type { ConnectionSnapshot, ServerSnapshot } from '@kapacitor-udf/transports';
import { LATENCY_BUCKETS, REQUEST_KINDS } from '@kapacitor-udf/transports';
import * as client from 'prom-client';

/** Everything one scrape reads: every thread's connections and the server's figures. */
export interface ServerStats {
  connections: ConnectionSnapshot[];
  server: ServerSnapshot;
}

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

/**
 * A metric family whose samples are computed from the current scrape's
 * snapshot. prom-client's Registry accepts any object with name, help, type
 * and get(); its own Counter/Gauge classes would need every label set to be
 * re-set on each scrape, and its Histogram cannot take bucket counts.
 */
class SnapshotFamily {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly samples: () => Sample[],
  ) {}

  async get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples() };
  }
}

const connectionLabels = (c: ConnectionSnapshot): Labels => ({
  udf: c.udf,
  task: c.taskID,
  node: c.nodeID,
  connection: String(c.id),
});

export interface MetricsRegistry {
  readonly registry: client.Registry;
  /** The text exposition of `stats` and the process metrics. */
  render(stats: ServerStats): Promise<string>;
  readonly contentType: string;
}

/** A registry for one server. `defaultMetrics: false` leaves out the process metrics (tests). */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): MetricsRegistry {
  const registry = new client.Registry();
  let current: ServerStats = {
    connections: [],
    server: { openConnections: 0, connections: 0, partialFrameBytes: 0, workerRestarts: 0 },
  };
  if (options.defaultMetrics !== false) registerProcessMetrics(registry);

  const perConnection = (name: string, help: string, type: 'counter' | 'gauge', value: (c: ConnectionSnapshot) => number): SnapshotFamily =>
    new SnapshotFamily(name, help, type, () => current.connections.map((c) => ({ value: value(c), labels: connectionLabels(c) })));

  const families: SnapshotFamily[] = [
    new SnapshotFamily('kapacitor_udf_requests_total', 'Requests received from Kapacitor, by kind.', 'counter', () =>
      current.connections.flatMap((c) =>
        REQUEST_KINDS.map((kind) => ({ value: c.requests[kind], labels: { ...connectionLabels(c), kind } })),
      ),
    ),
    perConnection('kapacitor_udf_points_received_total', 'Points received from Kapacitor.', 'counter', (c) => c.pointsIn),
    perConnection('kapacitor_udf_points_emitted_total', 'Points sent to Kapacitor.', 'counter', (c) => c.pointsOut),
    perConnection('kapacitor_udf_batches_received_total', 'Batches (BeginBatch) received from Kapacitor.', 'counter', (c) => c.batchesIn),
    perConnection('kapacitor_udf_batches_emitted_total', 'Batches (BeginBatch) sent to Kapacitor.', 'counter', (c) => c.batchesOut),
    perConnection('kapacitor_udf_keepalives_total', 'Keepalives answered.', 'counter', (c) => c.requests.keepalive),
    perConnection('kapacitor_udf_snapshots_total', 'Snapshot requests.', 'counter', (c) => c.requests.snapshot),
    perConnection('kapacitor_udf_restores_total', 'Restore requests.', 'counter', (c) => c.requests.restore),
    new SnapshotFamily(
      'kapacitor_udf_errors_total',
      'Errors by code: the one that ended a conversation, and each point or batch skipped under --on-error skip.',
      'counter',
      () =>
        current.connections.flatMap((c) =>
          Object.entries(c.errors).map(([code, n]) => ({ value: n, labels: { ...connectionLabels(c), code } })),
        ),
    ),
    perConnection('kapacitor_udf_received_bytes_total', 'Bytes received from Kapacitor.', 'counter', (c) => c.bytesIn),
    perConnection('kapacitor_udf_sent_bytes_total', 'Bytes sent to Kapacitor.', 'counter', (c) => c.bytesOut),
    perConnection(
      'kapacitor_udf_queued_bytes',
      'Bytes of requests received and waiting behind a pending (async) handler call.',
      'gauge',
      (c) => c.queuedBytes,
    ),
    perConnection(
      'kapacitor_udf_connection_open',
      '1 while the connection is open, 0 after it ended (kept a few minutes).',
      'gauge',
      (c) => (c.open ? 1 : 0),
    ),
    new SnapshotFamily(
      'kapacitor_udf_handler_duration_seconds',
      'Time in handler calls (until an async one settles): every management call and EndBatch, one in 16 points and BeginBatches.',
      'histogram',
      () => current.connections.flatMap(histogramSamples),
    ),
  ];
  for (const family of families) registry.registerMetric(family as unknown as client.Metric);

  const serverGauge = (name: string, help: string, value: (s: ServerSnapshot) => number): void =>
    scrapedGauge(registry, name, help, () => value(current.server));
  const serverCounter = (name: string, help: string, value: (s: ServerSnapshot) => number): void =>
    scrapedCounter(registry, name, help, () => value(current.server));
  serverGauge('kapacitor_udf_open_connections', 'Connections open now (one per task using this UDF).', (s) => s.openConnections);
  serverCounter('kapacitor_udf_connections_total', 'Connections accepted since the server started.', (s) => s.connections);
  serverGauge(
    'kapacitor_udf_partial_frame_bytes',
    'Bytes held in partially received frames, all connections together (bounded by --max-partial-frames-size).',
    (s) => s.partialFrameBytes,
  );
  serverCounter('kapacitor_udf_worker_restarts_total', 'Worker threads replaced after one stopped (--workers).', (s) => s.workerRestarts);

  return {
    registry,
    contentType: registry.contentType,
    async render(stats) {
      current = stats;
      return registry.metrics();
    },
  };
}

function histogramSamples(c: ConnectionSnapshot): Sample[] {
  const labels = connectionLabels(c);
  const out: Sample[] = [];
  let cumulative = 0;
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
    cumulative += c.latency.counts[i];
    out.push({
      metricName: 'kapacitor_udf_handler_duration_seconds_bucket',
      value: cumulative,
      labels: { ...labels, le: LATENCY_BUCKETS[i] },
    });
  }
  out.push({ metricName: 'kapacitor_udf_handler_duration_seconds_bucket', value: c.latency.count, labels: { ...labels, le: '+Inf' } });
  out.push({ metricName: 'kapacitor_udf_handler_duration_seconds_sum', value: c.latency.sum, labels });
  out.push({ metricName: 'kapacitor_udf_handler_duration_seconds_count', value: c.latency.count, labels });
  return out;
}

/** The process's metrics, under prom-client's default names, read at scrape time only. */
/** A gauge whose value is read at scrape time. */
function scrapedGauge(registry: client.Registry, name: string, help: string, read: () => number | Promise<number>): void {
  new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await read());
    },
  });
}

/** A counter whose total is kept elsewhere and read at scrape time: the counter only carries it to the exposition. */
function scrapedCounter(registry: client.Registry, name: string, help: string, read: () => number): void {
  new client.Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function registerProcessMetrics(registry: client.Registry): void {
  const gauge = (name: string, help: string, read: () => number | Promise<number>): void => scrapedGauge(registry, name, help, read);
  const counter = (name: string, help: string, read: () => number): void => scrapedCounter(registry, name, help, read);
  counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', () => process.cpuUsage().user / 1e6);
  counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', () => process.cpuUsage().system / 1e6);
  counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => startSeconds);
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage().rss);
  gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', () => process.memoryUsage().heapTotal);
  gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', () => process.memoryUsage().heapUsed);
  gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => process.memoryUsage().external);
  // As prom-client measures it: how late a setImmediate callback runs, at scrape time.
  gauge(
    'nodejs_eventloop_lag_seconds',
    'Lag of event loop in seconds.',
    () =>
      new Promise<number>((resolve) => {
        const start = process.hrtime.bigint();
        setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9));
      }),
  );
}
