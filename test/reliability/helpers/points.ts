import { createPoint, type InitRequest, type Point, type Request } from '@kapacitor-udf/core';

/** A realistic stream point; `seq` makes it unique (time and a field). */
export function makePoint(seq: number, extra: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time: 1_700_000_000_000_000_000n + BigInt(seq),
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    dimensions: ['host'],
    tags: { host: `server${seq % 7}` },
    fieldsDouble: { value: seq / 3 },
    fieldsInt: { seq: BigInt(seq) },
    ...extra,
  };
}

export function init(options: InitRequest['options'] = [], taskID = 'reliability', nodeID = 'udf1'): Request['message'] {
  return { $case: 'init', value: { options, taskID, nodeID } };
}

export function keepalive(time: bigint): Request['message'] {
  return { $case: 'keepalive', value: { time } };
}

/** uvarint encoding of a non-negative integer (up to 2^53). */
export function uvarint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}
