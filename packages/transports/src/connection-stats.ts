/**
 * What a UDF server counts, per connection (one task's UDF node) and per
 * server, for `--metrics` and `--stats-interval`.
 *
 * Hot-path rule: counting a point is one increment of a plain number field
 * on an object the connection already holds (no map lookup, no allocation,
 * no label set). Everything else (label sets, rates, the wire format) is
 * built only when someone reads the stats: a scrape, a stats line, or a
 * worker thread's reply to the main thread. Handler latency is timed on one
 * call in LATENCY_SAMPLE_EVERY (and on every management call): a clock read
 * per point would cost more than the rest of the counting together.
 */

import { POINT_TIME_SAMPLE } from '@kapacitor-udf/core';

/** Upper bounds (seconds) of the handler latency histogram's buckets; one more bucket holds the rest. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
  10,
];

/** Point and BeginBatch handler calls timed: one in this many (the agent's POINT_TIME_SAMPLE; a power of two). */
export const LATENCY_SAMPLE_EVERY = POINT_TIME_SAMPLE;

/** Request kinds, as the protocol names them. */
export const REQUEST_KINDS = ['info', 'init', 'keepalive', 'snapshot', 'restore', 'begin', 'point', 'end'] as const;
export type RequestKindName = (typeof REQUEST_KINDS)[number];

/** A latency histogram: per-bucket counts (not cumulative; the last is +Inf), their sum and count. */
export class LatencyHistogram {
  readonly counts: number[] = new Array(LATENCY_BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    this.counts[i]++;
    this.sum += seconds;
    this.count++;
  }

  snapshot(): HistogramSnapshot {
    return { counts: [...this.counts], sum: this.sum, count: this.count };
  }
}

export interface HistogramSnapshot {
  counts: number[];
  sum: number;
  count: number;
}

/** The counts an Agent keeps itself (no wrapper on the point path). */
export interface AgentCounts {
  readonly pointsReceived: number;
  readonly pointsEmitted: number;
  readonly batchesEmitted: number;
  /** Keepalives answered (the agent answers them without the handler). */
  readonly keepalivesAnswered: number;
  /** Bytes of requests received and waiting behind a pending handler call. */
  readonly queuedBytes: number;
}

/** Where a connection's figures are read from, at read time (the agent, a socket). */
export interface ConnectionGauges {
  agent(): AgentCounts;
  bytesIn(): number;
  bytesOut(): number;
}

/** A connection's figures as plain data: what a stats line holds and what a worker thread posts. */
export interface ConnectionSnapshot {
  id: number;
  udf: string;
  taskID: string;
  nodeID: string;
  /** The worker thread's index, with --workers. */
  worker?: number;
  open: boolean;
  /** ms since the epoch. */
  openedAt: number;
  closedAt?: number;
  requests: Record<RequestKindName, number>;
  pointsIn: number;
  pointsOut: number;
  batchesIn: number;
  batchesOut: number;
  /** Errors by code: what ended the conversation, and every point or batch skipped under --on-error skip. */
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  queuedBytes: number;
  latency: HistogramSnapshot;
}

/**
 * The counters of one connection. The transport increments the fields
 * directly; gauges are read through `gauges` when a snapshot is taken.
 */
export class ConnectionStats {
  taskID = '';
  nodeID = '';
  worker: number | undefined;
  readonly openedAt = Date.now();
  closedAt: number | undefined;
  // Requests by kind. A point is counted in pointsIn only (it is a request too).
  info = 0;
  init = 0;
  snapshots = 0;
  restores = 0;
  /** BeginBatch requests: input batches. */
  batchesIn = 0;
  /** EndBatch requests. */
  ends = 0;
  // Read from the agent (gauges) when a snapshot is taken.
  pointsIn = 0;
  pointsOut = 0;
  /** BeginBatch responses: output batches. */
  batchesOut = 0;
  readonly errors: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
  gauges: ConnectionGauges | undefined;
  /** Last gauge values, kept when the connection ends (its socket may be gone by the next read). */
  private lastGauges = { keepalives: 0, bytesIn: 0, bytesOut: 0, queuedBytes: 0 };

  constructor(
    readonly id: number,
    readonly udf: string,
  ) {}

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** The connection ended: gauges are read one last time and the end time kept. */
  close(): void {
    if (this.closedAt !== undefined) return;
    this.readGauges();
    this.gauges = undefined;
    this.closedAt = Date.now();
  }

  private readGauges(): void {
    const g = this.gauges;
    if (g === undefined) return;
    const agent = g.agent();
    this.pointsIn = agent.pointsReceived;
    this.pointsOut = agent.pointsEmitted;
    this.batchesOut = agent.batchesEmitted;
    this.lastGauges = {
      keepalives: agent.keepalivesAnswered,
      bytesIn: g.bytesIn(),
      bytesOut: g.bytesOut(),
      queuedBytes: this.closedAt === undefined ? agent.queuedBytes : 0,
    };
  }

  snapshot(): ConnectionSnapshot {
    this.readGauges();
    const open = this.closedAt === undefined;
    return {
      id: this.id,
      udf: this.udf,
      taskID: this.taskID,
      nodeID: this.nodeID,
      ...(this.worker !== undefined ? { worker: this.worker } : {}),
      open,
      openedAt: this.openedAt,
      ...(open ? {} : { closedAt: this.closedAt }),
      requests: {
        info: this.info,
        init: this.init,
        keepalive: this.lastGauges.keepalives,
        snapshot: this.snapshots,
        restore: this.restores,
        begin: this.batchesIn,
        point: this.pointsIn,
        end: this.ends,
      },
      pointsIn: this.pointsIn,
      pointsOut: this.pointsOut,
      batchesIn: this.batchesIn,
      batchesOut: this.batchesOut,
      errors: { ...this.errors },
      bytesIn: this.lastGauges.bytesIn,
      bytesOut: this.lastGauges.bytesOut,
      queuedBytes: open ? this.lastGauges.queuedBytes : 0,
      latency: this.latency.snapshot(),
    };
  }
}

/** A server's own figures. */
export interface ServerSnapshot {
  openConnections: number;
  /** Connections accepted since start. */
  connections: number;
  /** Bytes held in partially received frames, all connections of all threads together. */
  partialFrameBytes: number;
  workerRestarts: number;
}

/** How long an ended connection stays in the stats, so that scrapes see its final figures. */
export const DEFAULT_ENDED_RETENTION_MS = 5 * 60_000;

/**
 * The connections of one thread: the open ones, and the ended ones for
 * `retentionMs` after they ended (then dropped, so what a scrape reads stays
 * bounded however many tasks come and go).
 */
export class StatsRegistry {
  private readonly live = new Set<ConnectionStats>();
  private ended: ConnectionStats[] = [];
  connectionsTotal = 0;

  constructor(readonly retentionMs = DEFAULT_ENDED_RETENTION_MS) {}

  open(id: number, udf: string): ConnectionStats {
    const stats = new ConnectionStats(id, udf);
    this.live.add(stats);
    this.connectionsTotal++;
    return stats;
  }

  /** The connection ended: its figures stay readable for retentionMs. */
  close(stats: ConnectionStats): void {
    if (!this.live.delete(stats)) return;
    stats.close();
    this.ended.push(stats);
  }

  get openCount(): number {
    return this.live.size;
  }

  /** Every connection's figures: the open ones, and those that ended within retentionMs. */
  snapshots(now = Date.now()): ConnectionSnapshot[] {
    this.ended = this.ended.filter((s) => now - (s.closedAt as number) <= this.retentionMs);
    const out: ConnectionSnapshot[] = [];
    for (const s of this.live) out.push(s.snapshot());
    for (const s of this.ended) out.push(s.snapshot());
    return out;
  }
}

/** Sums of connection snapshots: what one stats line reports for a process or a server. */
export interface StatsTotals {
  requests: number;
  pointsIn: number;
  pointsOut: number;
  batchesIn: number;
  batchesOut: number;
  keepalives: number;
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  queuedBytes: number;
  handlerCallsTimed: number;
  handlerSecondsTimed: number;
}

export function totals(connections: readonly ConnectionSnapshot[]): StatsTotals {
  const t: StatsTotals = {
    requests: 0,
    pointsIn: 0,
    pointsOut: 0,
    batchesIn: 0,
    batchesOut: 0,
    keepalives: 0,
    errors: {},
    bytesIn: 0,
    bytesOut: 0,
    queuedBytes: 0,
    handlerCallsTimed: 0,
    handlerSecondsTimed: 0,
  };
  for (const c of connections) {
    for (const kind of REQUEST_KINDS) t.requests += c.requests[kind];
    t.pointsIn += c.pointsIn;
    t.pointsOut += c.pointsOut;
    t.batchesIn += c.batchesIn;
    t.batchesOut += c.batchesOut;
    t.keepalives += c.requests.keepalive;
    for (const [code, n] of Object.entries(c.errors)) t.errors[code] = (t.errors[code] ?? 0) + n;
    t.bytesIn += c.bytesIn;
    t.bytesOut += c.bytesOut;
    t.queuedBytes += c.queuedBytes;
    t.handlerCallsTimed += c.latency.count;
    t.handlerSecondsTimed += c.latency.sum;
  }
  return t;
}
