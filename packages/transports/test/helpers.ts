import { createPoint, type Point, type Response } from '@kapacitor-udf/core';
import type { WirePeer } from '@kapacitor-udf/testing';

export function point(time: bigint, fields: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time,
    name: 'm',
    fieldsDouble: { v: 1 },
    ...fields,
  };
}

/** Like Kapacitor: read until the UDF ends its side, then close ours; resolves with every response. */
export async function untilClosed(peer: WirePeer): Promise<Response[]> {
  await peer.closed();
  peer.endInput();
  return peer.responses;
}
