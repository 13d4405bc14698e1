/**
 * Series groups as a TICKscript `groupBy` forms them for a stream (kapacitor
 * group_by.go): the dimensions are the given tag names sorted, or with `*`
 * all of a point's tag names sorted; `groupByMeasurement()` adds the name.
 * The group ID is `models.ToGroupID`: `name\n` when by name, then
 * `tag=value` per dimension joined by commas (a missing tag counts as an
 * empty value); no dimensions and not by name is the one nil group "".
 */
import { groupID, type Point } from '@kapacitor-udf/core';
import { compareUtf8, sortedKeys } from '@kapacitor-udf/core/internal';
import { ReplayError } from './errors';

export interface GroupBy {
  /** Tag names, or '*' for all of each point's tags. */
  dimensions: readonly string[] | '*';
  /** groupByMeasurement(): the measurement is part of the group. */
  byName?: boolean;
}

/** A function that sets `group`, `dimensions` and `byName` of a stream point in place. */
export function grouper(groupBy: GroupBy): (p: Point) => void {
  const byName = groupBy.byName ?? false;
  if (groupBy.dimensions === '*') {
    return (p) => {
      const dims = sortedKeys(p.tags);
      p.dimensions = dims;
      p.byName = byName;
      p.group = groupID(p.name, p.tags, dims, byName);
    };
  }
  for (const d of groupBy.dimensions) {
    if (d.length === 0) throw new ReplayError('ERR_REPLAY_SETTING', 'a group-by tag name is empty (write e.g. host,cpu)');
  }
  const dims = [...new Set(groupBy.dimensions)].sort(compareUtf8);
  return (p) => {
    // Shared: these points are only encoded into requests, never handed to a handler.
    p.dimensions = dims;
    p.byName = byName;
    p.group = groupID(p.name, p.tags, dims, byName);
  };
}
