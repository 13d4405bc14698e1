import { type FieldValues, groupID, type Point, replaceFields } from '@kapacitor-udf/core';
import type { Batch } from '@kapacitor-udf/decorators';
import { ns, type TimeInput } from './time';

/** A field value; its JavaScript type picks the typed map it goes to. */
export type FieldValue = FieldValues[string];

type StringMap = { [key: string]: string };

/** What `point()` accepts; everything is optional. */
export interface PointInput {
  /** Measurement name. Default 'test'. */
  name?: string;
  /** bigint nanoseconds, a Date or an RFC 3339 string. Default 0n (the epoch). */
  time?: TimeInput;
  tags?: StringMap;
  /**
   * Fields by JavaScript type: number → fieldsDouble, bigint → fieldsInt,
   * string → fieldsString, boolean → fieldsBool. (A whole number like `2`
   * is still a double, as `2.0` would be in InfluxDB: write `2n` for an integer.)
   */
  fields?: { [key: string]: FieldValue };
  /** The tag names the stream is grouped by (TICKscript `groupBy`). Default none. */
  dimensions?: string[];
  /** Whether the measurement name is part of the group. Default false. */
  byName?: boolean;
  /** The group ID. Default: computed from name, tags, dimensions and byName as Kapacitor does. */
  group?: string;
  database?: string;
  retentionPolicy?: string;
}

/** What `batch()` accepts. */
export interface BatchInput {
  /** Measurement name. Default 'test'. */
  name?: string;
  /** The batch's group tags; every point gets them too. */
  tags?: StringMap;
  /** Group dimensions used to compute the default group ID (default: all of `tags`, sorted). */
  dimensions?: string[];
  byName?: boolean;
  /** The group ID. Default: computed as Kapacitor does. */
  group?: string;
  /** The points: builder inputs (`time`, `fields`, extra `tags`) or ready Points. */
  points?: Array<PointInput | Point>;
  /** The batch's time (for a query, its stop time). Default: the latest point time, or 0n. */
  tmax?: TimeInput;
}

/** Copies a map into a fresh object keeping every key (including '__proto__') an ordinary own key. */
function copyMap<T>(source: { [key: string]: T } | undefined): { [key: string]: T } {
  const out: { [key: string]: T } = {};
  if (source === undefined) return out;
  for (const key of Object.keys(source)) {
    Object.defineProperty(out, key, { value: source[key], writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/**
 * A Point with sensible defaults, e.g.
 * `point({ name: 'cpu', time: '2024-01-01T00:00:00Z', tags: { host: 'a' }, fields: { usage: 12.5 } })`.
 */
export function point(input: PointInput = {}): Point {
  const name = input.name ?? 'test';
  const tags = copyMap(input.tags);
  const dimensions = [...(input.dimensions ?? [])];
  const byName = input.byName ?? false;
  const series: Point = {
    time: ns(input.time ?? 0n),
    name,
    database: input.database ?? '',
    retentionPolicy: input.retentionPolicy ?? '',
    group: input.group ?? groupID(name, tags, dimensions, byName),
    dimensions,
    tags,
    fieldsDouble: {},
    fieldsInt: {},
    fieldsString: {},
    byName,
    fieldsBool: {},
  };
  // The point helpers type the fields (and reject a value of no field type with EncodeError).
  return replaceFields(series, input.fields ?? {});
}

function isPoint(value: PointInput | Point): value is Point {
  return 'fieldsDouble' in value && 'fieldsInt' in value && 'fieldsString' in value && 'fieldsBool' in value;
}

/**
 * A batch exactly as Kapacitor sends one to a UDF: a BeginBatch (name, group,
 * tags, size, byName), points carrying only time, group, tags and fields (the
 * batch's tags merged under each point's own), and an EndBatch (name, group,
 * tmax, tags).
 */
export function batch(input: BatchInput = {}): Batch {
  const name = input.name ?? 'test';
  const tags = copyMap(input.tags);
  const byName = input.byName ?? false;
  const dimensions = input.dimensions ?? Object.keys(tags).sort();
  const group = input.group ?? groupID(name, tags, dimensions, byName);
  const points = (input.points ?? []).map((p): Point => {
    if (isPoint(p)) return p;
    const built = point({ ...p, name: '', tags: { ...tags, ...p.tags }, group });
    return { ...built, name: p.name ?? '' };
  });
  const latest = points.reduce((max, p) => (p.time > max ? p.time : max), 0n);
  return {
    begin: { name, group, tags: copyMap(tags), size: BigInt(points.length), byName },
    points,
    end: { name, group, tmax: input.tmax === undefined ? latest : ns(input.tmax), tags: copyMap(tags), byName: false },
  };
}
