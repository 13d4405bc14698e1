import type { Option, Point, Response } from '@kapacitor-udf/core';
import { kapacitorPoint, requests } from '@kapacitor-udf/testing';

/** A point as Kapacitor sends it (the kit's kapacitorPoint); `time` is int64 nanoseconds (bigint). */
export function point(fields: Partial<Point> = {}): Point {
  return kapacitorPoint({ time: 1_700_000_000_123_456_789n, ...fields });
}

export const info = requests.info;
export const init = (options: Option[] = [], taskID = 'task1', nodeID = 'node1') => requests.init(options, { taskID, nodeID });
export const pointRequest = requests.point;
export const keepalive = requests.keepalive;
export const snapshot = requests.snapshot;

type ResponseMessage = NonNullable<Response['message']>;
type ResponseValues = { [M in ResponseMessage as M['$case']]: M['value'] };

/** The response's case, failing the test with the whole response when it is another one. */
export function expectCase<C extends keyof ResponseValues>(response: Response, $case: C): ResponseValues[C] {
  if (response.message?.$case !== $case) {
    throw new Error(`expected a ${$case} response, got ${JSON.stringify(response, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  return response.message.value as ResponseValues[C];
}
