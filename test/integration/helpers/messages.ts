import { createPoint, type Option, type Point, type Request, type Response } from '@kapacitor-udf/core';

/** A point as Kapacitor sends it; `time` is int64 nanoseconds (bigint). */
export function point(fields: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time: 1_700_000_000_123_456_789n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    tags: { host: 'a' },
    fieldsDouble: { value: 1.5 },
    ...fields,
  };
}

export const info = (): Request['message'] => ({ $case: 'info', value: {} });
export const init = (options: Option[] = [], taskID = 'task1', nodeID = 'node1'): Request['message'] => ({
  $case: 'init',
  value: { options, taskID, nodeID },
});
export const pointRequest = (p: Point): Request['message'] => ({ $case: 'point', value: p });
export const keepalive = (time: bigint): Request['message'] => ({ $case: 'keepalive', value: { time } });
export const snapshot = (): Request['message'] => ({ $case: 'snapshot', value: {} });

type ResponseMessage = NonNullable<Response['message']>;
type ResponseValues = { [M in ResponseMessage as M['$case']]: M['value'] };

/** The response's case, failing the test with the whole response when it is another one. */
export function expectCase<C extends keyof ResponseValues>(response: Response, $case: C): ResponseValues[C] {
  if (response.message?.$case !== $case) {
    throw new Error(`expected a ${$case} response, got ${JSON.stringify(response, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  return response.message.value as ResponseValues[C];
}
