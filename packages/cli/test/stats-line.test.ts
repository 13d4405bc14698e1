import { StatsRegistry } from '@kapacitor-udf/transports';
import { StatsLines } from '../src/stats-line';

const server = { openConnections: 1, connections: 1, partialFrameBytes: 0, workerRestarts: 0 };

describe('StatsLines', () => {
  it('reports what happened during each interval, per task and in total, and an ended task once', () => {
    const registry = new StatsRegistry();
    const a = registry.open(1, 'U');
    a.taskID = 'ta';
    a.nodeID = 'na';
    const lines = new StatsLines();
    const t0 = Date.now();
    a.pointsIn = 100;
    a.pointsOut = 90;
    const first = lines.next({ connections: registry.snapshots(), server }, t0 + 10_000);
    expect(first).toMatchObject({ points: { in: 100, out: 90, inPerSecond: 10 }, tasks: [{ task: 'ta', node: 'na', pointsIn: 100 }] });

    a.pointsIn = 150;
    a.countError('ERR_HANDLER_FAILED');
    registry.close(a);
    const second = lines.next({ connections: registry.snapshots(), server }, t0 + 20_000);
    expect(second).toMatchObject({ points: { in: 50 }, errors: 1, tasks: [{ task: 'ta', ended: true, pointsIn: 50, errors: 1 }] });

    const third = lines.next({ connections: registry.snapshots(), server }, t0 + 30_000);
    expect(third).toMatchObject({ points: { in: 0, out: 0 }, tasks: [] });
    expect(JSON.parse(JSON.stringify(third))).toEqual(third);
  });
});
