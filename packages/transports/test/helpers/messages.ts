import type { Point } from '@kapacitor-udf/core';
import { kapacitorPoint, requests } from '@kapacitor-udf/testing';

/** A point as the socket tests send it: measurement 'm', one double field, nothing else set. */
export function point(time: bigint, fields: Partial<Point> = {}): Point {
  return kapacitorPoint({ time, name: 'm', database: '', retentionPolicy: '', tags: {}, fieldsDouble: { v: 1 }, ...fields });
}

/** Init as Kapacitor sends it, with no options. */
export const init = (taskID = 't', nodeID = 'n') => requests.init([], { taskID, nodeID });
