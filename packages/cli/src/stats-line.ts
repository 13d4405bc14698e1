/**
 * --stats-interval: one JSON line of stats per interval on stderr, in
 * process and socket mode alike. Kapacitor starts one process per task for a
 * process UDF, so a metrics port each would clash; Kapacitor copies every
 * stderr line of a UDF into its own log, where these lines can be read or
 * shipped like any other.
 *
 * Each line gives what happened during the interval (points, batches,
 * errors, bytes, handler time), per task and in total, and what is held now
 * (open connections, queued bytes, memory).
 */
import type { Logger } from '@kapacitor-udf/core';
import type { ConnectionSnapshot } from '@kapacitor-udf/transports';
import type { ServerStats } from './metrics-registry';

interface Seen {
  pointsIn: number;
  pointsOut: number;
  batchesIn: number;
  batchesOut: number;
  keepalives: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
  timedCalls: number;
  timedSeconds: number;
}

const ZERO: Seen = {
  pointsIn: 0,
  pointsOut: 0,
  batchesIn: 0,
  batchesOut: 0,
  keepalives: 0,
  errors: 0,
  bytesIn: 0,
  bytesOut: 0,
  timedCalls: 0,
  timedSeconds: 0,
};

function seenOf(c: ConnectionSnapshot): Seen {
  let errors = 0;
  for (const n of Object.values(c.errors)) errors += n;
  return {
    pointsIn: c.pointsIn,
    pointsOut: c.pointsOut,
    batchesIn: c.batchesIn,
    batchesOut: c.batchesOut,
    keepalives: c.requests.keepalive,
    errors,
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    timedCalls: c.latency.count,
    timedSeconds: c.latency.sum,
  };
}

function minus(a: Seen, b: Seen): Seen {
  const out = { ...a };
  for (const key of Object.keys(out) as Array<keyof Seen>) out[key] = a[key] - b[key];
  return out;
}

function add(into: Seen, d: Seen): void {
  for (const key of Object.keys(into) as Array<keyof Seen>) into[key] += d[key];
}

/** Builds the lines; kept apart from the timer so it can be tested. */
export class StatsLines {
  private previous = new Map<number, Seen>();
  /** Ended connections already reported (they stay in the snapshots for a while). */
  private reported = new Set<number>();
  private lastAt = Date.now();

  /** The fields of the line for the interval that ends now. */
  next(stats: ServerStats, now = Date.now()): Record<string, unknown> {
    const seconds = Math.max((now - this.lastAt) / 1000, 0.001);
    this.lastAt = now;
    const total: Seen = { ...ZERO };
    const tasks: Array<Record<string, unknown>> = [];
    const current = new Map<number, Seen>();
    let queuedBytes = 0;
    const reported = new Set<number>();
    for (const c of stats.connections) {
      // A connection is listed while open, and once more in the interval it ended in.
      if (this.reported.has(c.id)) {
        reported.add(c.id);
        continue;
      }
      const seen = seenOf(c);
      const d = minus(seen, this.previous.get(c.id) ?? ZERO);
      add(total, d);
      if (c.open) {
        current.set(c.id, seen);
        queuedBytes += c.queuedBytes;
      } else {
        reported.add(c.id);
      }
      tasks.push({
        task: c.taskID,
        node: c.nodeID,
        ...(c.open ? {} : { ended: true }),
        pointsIn: d.pointsIn,
        pointsOut: d.pointsOut,
        ...(d.batchesIn + d.batchesOut > 0 ? { batchesIn: d.batchesIn, batchesOut: d.batchesOut } : {}),
        ...(d.errors > 0 ? { errors: d.errors } : {}),
        ...(c.open ? { queuedBytes: c.queuedBytes } : {}),
      });
    }
    this.previous = current;
    this.reported = reported;
    const memory = process.memoryUsage();
    return {
      intervalSeconds: Math.round(seconds * 1000) / 1000,
      openConnections: stats.server.openConnections,
      points: { in: total.pointsIn, out: total.pointsOut, inPerSecond: Math.round(total.pointsIn / seconds) },
      batches: { in: total.batchesIn, out: total.batchesOut },
      errors: total.errors,
      keepalives: total.keepalives,
      bytes: { in: total.bytesIn, out: total.bytesOut },
      queuedBytes,
      partialFrameBytes: stats.server.partialFrameBytes,
      ...(stats.server.workerRestarts > 0 ? { workerRestarts: stats.server.workerRestarts } : {}),
      handler: {
        timedCalls: total.timedCalls,
        meanMs: total.timedCalls === 0 ? 0 : Math.round((total.timedSeconds / total.timedCalls) * 1e6) / 1e3,
      },
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      tasks,
    };
  }
}

/** Logs a stats line every `intervalMs` until the returned function is called (the timer never keeps the process alive). */
export function startStatsLines(intervalMs: number, collect: () => Promise<ServerStats>, logger: Logger, fields: object): () => void {
  const lines = new StatsLines();
  const timer = setInterval(() => {
    collect().then(
      (stats) => logger.info('stats', { ...fields, ...lines.next(stats) }),
      (err: unknown) => logger.warn('could not collect stats', { ...fields, error: err instanceof Error ? err.message : String(err) }),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
