import type { InitRequest, Point } from '@kapacitor-udf/core';
import { kapacitorPoint, requests } from '@kapacitor-udf/testing';

/** A realistic stream point; `seq` makes it unique (time and a field). */
export function makePoint(seq: number, extra: Partial<Point> = {}): Point {
  return kapacitorPoint({
    time: 1_700_000_000_000_000_000n + BigInt(seq),
    dimensions: ['host'],
    tags: { host: `server${seq % 7}` },
    fieldsDouble: { value: seq / 3 },
    fieldsInt: { seq: BigInt(seq) },
    ...extra,
  });
}

export const init = (options: InitRequest['options'] = [], taskID = 'reliability', nodeID = 'udf1') =>
  requests.init(options, { taskID, nodeID });
export const keepalive = requests.keepalive;

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
