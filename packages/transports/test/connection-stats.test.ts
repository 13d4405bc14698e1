import { silentLogger } from '@kapacitor-udf/core';
import { OnPoint, type Point, Udf } from '@kapacitor-udf/decorators';
import { WirePeer } from '@kapacitor-udf/testing';
import { LATENCY_SAMPLE_EVERY, StatsRegistry, totals } from '../src/connection-stats';
import { startConnection } from '../src/udf-connection';
import { init, point } from './helpers/messages';

@Udf({ wants: 'stream', provides: 'stream', onError: 'skip' })
class Doubler {
  @OnPoint() p(p: Point): Point[] | undefined {
    if (p.fieldsDouble.v < 0) throw new Error('negative');
    return [p, { ...p, name: 'copy' }];
  }
}

function serve(registry: StatsRegistry, id: number) {
  const peer = WirePeer.inMemory();
  const stats = registry.open(id, 'Doubler');
  const connection = startConnection({
    cls: Doubler,
    input: peer.toUdf,
    output: peer.fromUdf,
    options: {},
    logger: silentLogger,
    fields: {},
    stats,
  });
  return { peer, stats, connection };
}

describe('connection stats', () => {
  it('counts requests, points and batches in and out, errors by code and timed handler calls', async () => {
    const registry = new StatsRegistry();
    const { peer, stats, connection } = serve(registry, 1);
    peer.send({ $case: 'info', value: {} }, init('task1', 'udf2'), { $case: 'keepalive', value: { time: 5n } });
    for (let i = 0; i < 2 * LATENCY_SAMPLE_EVERY; i++) peer.point(point(BigInt(i)));
    peer.point(point(1000n, { fieldsDouble: { v: -1 } }));
    peer.endInput();
    await connection.done;
    registry.close(stats);
    const [snap] = registry.snapshots();
    expect(snap).toMatchObject({
      id: 1,
      udf: 'Doubler',
      taskID: 'task1',
      nodeID: 'udf2',
      open: false,
      pointsIn: 2 * LATENCY_SAMPLE_EVERY + 1,
      pointsOut: 4 * LATENCY_SAMPLE_EVERY,
      batchesIn: 0,
      errors: { ERR_HANDLER_FAILED: 1 },
      requests: { info: 1, init: 1, keepalive: 1, point: 2 * LATENCY_SAMPLE_EVERY + 1 },
    });
    expect(snap.bytesIn).toBeGreaterThan(2 * LATENCY_SAMPLE_EVERY * 10);
    // init, and points 16 and 32 (one in LATENCY_SAMPLE_EVERY).
    expect(snap.latency.count).toBe(3);
    expect(snap.latency.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(totals([snap, snap]).pointsIn).toBe(2 * snap.pointsIn);
  });

  it('reads bytes and queue from the gauges while open, keeps the last values after the end', () => {
    const registry = new StatsRegistry();
    const stats = registry.open(7, 'U');
    let bytesIn = 10;
    const agent = { pointsReceived: 5, pointsEmitted: 4, batchesEmitted: 0, keepalivesAnswered: 0, queuedBytes: 30 };
    stats.gauges = { agent: () => agent, bytesIn: () => bytesIn, bytesOut: () => 20 };
    expect(registry.snapshots()[0]).toMatchObject({ bytesIn: 10, bytesOut: 20, queuedBytes: 30, pointsIn: 5, pointsOut: 4, open: true });
    bytesIn = 15;
    registry.close(stats);
    bytesIn = 99;
    expect(registry.snapshots()[0]).toMatchObject({ bytesIn: 15, bytesOut: 20, queuedBytes: 0, open: false });
  });

  it('drops an ended connection from the snapshots after the retention time', () => {
    const registry = new StatsRegistry(1000);
    const a = registry.open(1, 'U');
    registry.open(2, 'U');
    registry.close(a);
    const now = Date.now();
    expect(registry.snapshots(now).map((s) => s.id)).toEqual([2, 1]);
    expect(registry.snapshots(now + 2000).map((s) => s.id)).toEqual([2]);
    expect(registry.openCount).toBe(1);
    expect(registry.connectionsTotal).toBe(2);
  });
});
