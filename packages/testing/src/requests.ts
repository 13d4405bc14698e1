import { type BeginBatch, createPoint, type EndBatch, type Option, type Point } from '@kapacitor-udf/core';
import type { RequestMessage } from './wire-peer';

/** A request as sent (never the empty one). */
type Message = NonNullable<RequestMessage>;

/**
 * A point with every field Kapacitor sets, for tests that speak the protocol
 * itself (`WirePeer.send(requests.point(...))`): telegraf's `cpu`
 * measurement from database `telegraf`, retention policy `autogen`, tag
 * `host=a`, one double field `value=1.5`, time 1,700,000,000 s in ns, no
 * group or dimensions. `overrides` replace whole fields. (To build points
 * the way a UDF test thinks of them, with typed fields and a computed group,
 * use `point()`.)
 */
export function kapacitorPoint(overrides: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time: 1_700_000_000_000_000_000n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    tags: { host: 'a' },
    fieldsDouble: { value: 1.5 },
    ...overrides,
  };
}

/** Task and node IDs of an Init (default `task1` / `node1`). */
export interface InitIds {
  taskID?: string;
  nodeID?: string;
}

/**
 * Requests as `WirePeer.send` takes them (`Request['message']`), one builder
 * per kind, shaped as Kapacitor sends them (a BeginBatch / EndBatch with
 * every field set).
 */
export const requests = {
  info: (): Message => ({ $case: 'info', value: {} }),
  init: (options: Option[] = [], ids: InitIds = {}): Message => ({
    $case: 'init',
    value: { options, taskID: ids.taskID ?? 'task1', nodeID: ids.nodeID ?? 'node1' },
  }),
  point: (p: Point = kapacitorPoint()): Message => ({ $case: 'point', value: p }),
  begin: (fields: Partial<BeginBatch> = {}): Message => ({
    $case: 'begin',
    value: { name: 'cpu', group: '', tags: {}, size: 0n, byName: false, ...fields },
  }),
  end: (fields: Partial<EndBatch> = {}): Message => ({
    $case: 'end',
    value: { name: 'cpu', group: '', tmax: 0n, tags: {}, byName: false, ...fields },
  }),
  keepalive: (time: bigint): Message => ({ $case: 'keepalive', value: { time } }),
  snapshot: (): Message => ({ $case: 'snapshot', value: {} }),
  restore: (snapshot: Uint8Array): Message => ({ $case: 'restore', value: { snapshot: Buffer.from(snapshot) } }),
};
