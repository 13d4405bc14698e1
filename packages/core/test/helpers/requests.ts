/**
 * Requests as Kapacitor sends them, for the core's tests. The Kapacitor side
 * itself is the testing kit's WirePeer (see agent.test.ts).
 */
import { createPoint } from '../../src/data-messages';
import type { Point, Request } from '../../src/generated/udf';

type RequestMessage = NonNullable<Request['message']>;

export function point(overrides: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time: 1700000000000000000n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    tags: { host: 'a' },
    fieldsDouble: { value: 1.5 },
    ...overrides,
  };
}

export const req = {
  info: (): RequestMessage => ({ $case: 'info', value: {} }),
  init: (): RequestMessage => ({ $case: 'init', value: { options: [], taskID: 't', nodeID: 'n' } }),
  keepalive: (time: bigint): RequestMessage => ({ $case: 'keepalive', value: { time } }),
  snapshot: (): RequestMessage => ({ $case: 'snapshot', value: {} }),
  restore: (snapshot: Buffer): RequestMessage => ({ $case: 'restore', value: { snapshot } }),
  point: (p: Point): RequestMessage => ({ $case: 'point', value: p }),
  begin: (name: string): RequestMessage => ({ $case: 'begin', value: { name, group: '', tags: {}, size: 0n, byName: false } }),
  end: (name: string): RequestMessage => ({ $case: 'end', value: { name, group: '', tmax: 0n, tags: {}, byName: false } }),
};

export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
