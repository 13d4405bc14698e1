import { createPoint, type Point, type Request } from '@kapacitor-udf/core';

/** A point as the socket tests send it: measurement 'm', one double field. */
export function point(time: bigint, fields: Partial<Point> = {}): Point {
  return {
    ...createPoint(),
    time,
    name: 'm',
    fieldsDouble: { v: 1 },
    ...fields,
  };
}

/** Init as Kapacitor sends it, with no options. */
export const init = (taskID = 't', nodeID = 'n'): NonNullable<Request['message']> => ({
  $case: 'init',
  value: { options: [], taskID, nodeID },
});
