/**
 * What nearly every UDF does with points: derive an output point from an
 * input point with some fields set, make one stream point out of a batch, and
 * read a numeric field whatever its wire type. All of them treat field and tag
 * names as data: a name such as "__proto__" is an ordinary key.
 */
import { EncodeError } from './errors';
import { setOwn, sortedKeys } from './map-keys';
import type { BeginBatch, EndBatch, Point } from './protocol/udf';

/**
 * Fields by name; the JavaScript type picks the wire type: `number` is a
 * double, `bigint` an int (int64), `string` a string, `boolean` a bool.
 */
export type FieldValues = Readonly<Record<string, number | bigint | string | boolean>>;

type TypedMaps = Pick<Point, 'fieldsDouble' | 'fieldsInt' | 'fieldsString' | 'fieldsBool'>;
type MapName = keyof TypedMaps;

const MAP_NAMES: readonly MapName[] = ['fieldsDouble', 'fieldsInt', 'fieldsString', 'fieldsBool'];
const hasOwn = (map: object, key: string): boolean => Object.hasOwn(map, key);

function mapFor(name: string, value: unknown): MapName {
  switch (typeof value) {
    case 'number':
      return 'fieldsDouble';
    case 'bigint':
      return 'fieldsInt';
    case 'string':
      return 'fieldsString';
    case 'boolean':
      return 'fieldsBool';
    default:
      throw new EncodeError(
        `field '${name}' is ${value === null ? 'null' : typeof value}; a field value is a number (double), bigint (int), string or boolean`,
      );
  }
}

/**
 * Writes `fields` into `maps`, copying a typed map before its first change
 * (`copied` records which are already copies). A field leaves the other three
 * maps: Kapacitor merges the four into one set of fields, so a name must have
 * one type.
 */
function writeFields(maps: TypedMaps, fields: FieldValues, copied: Set<MapName>): void {
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    const target = mapFor(name, value);
    for (const other of MAP_NAMES) {
      if (other === target || !hasOwn(maps[other], name)) continue;
      if (!copied.has(other)) {
        (maps as Record<MapName, object>)[other] = { ...maps[other] };
        copied.add(other);
      }
      delete (maps[other] as Record<string, unknown>)[name];
    }
    if (!copied.has(target)) {
      (maps as Record<MapName, object>)[target] = { ...maps[target] };
      copied.add(target);
    }
    setOwn(maps[target] as Record<string, unknown>, name, value);
  }
}

/**
 * `point` with `fields` set (added, or changed, also from one type to
 * another); its other fields, tags, name, time and dimensions stay. The input
 * point is not changed; the typed maps nothing was written to are shared.
 */
export function withFields(point: Point, fields: FieldValues): Point {
  const maps: TypedMaps = {
    fieldsDouble: point.fieldsDouble,
    fieldsInt: point.fieldsInt,
    fieldsString: point.fieldsString,
    fieldsBool: point.fieldsBool,
  };
  writeFields(maps, fields, new Set());
  return { ...point, ...maps };
}

/** Four new typed maps holding exactly `fields` (a name occurs once: nothing to move). */
function fieldsOnly(fields: FieldValues): TypedMaps {
  const maps: TypedMaps = { fieldsDouble: {}, fieldsInt: {}, fieldsString: {}, fieldsBool: {} };
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    setOwn(maps[mapFor(name, value)] as Record<string, unknown>, name, value);
  }
  return maps;
}

/**
 * `point` with exactly `fields` as its fields (its old fields are dropped);
 * name, time, tags, group and dimensions stay, so Kapacitor keeps the point in
 * its group.
 */
export function replaceFields(point: Point, fields: FieldValues): Point {
  const maps = fieldsOnly(fields);
  // One literal in the decoder's property order: the same object shape as input points.
  return {
    time: point.time,
    name: point.name,
    database: point.database,
    retentionPolicy: point.retentionPolicy,
    group: point.group,
    dimensions: point.dimensions,
    tags: point.tags,
    fieldsDouble: maps.fieldsDouble,
    fieldsInt: maps.fieldsInt,
    fieldsString: maps.fieldsString,
    byName: point.byName,
    fieldsBool: maps.fieldsBool,
  };
}

/** The batch a stream point is made from: its BeginBatch and EndBatch. */
export interface BatchBounds {
  readonly begin: BeginBatch;
  readonly end: EndBatch;
}

/**
 * The group ID Kapacitor computes for a point (models.ToGroupID): with dimensions, `name\n` when
 * grouped by name, then `tag=value` per dimension joined by commas; without
 * dimensions, the name when grouped by name, else ''.
 */
export function groupID(name: string, tags: Readonly<Record<string, string>>, dimensions: readonly string[], byName: boolean): string {
  if (dimensions.length === 0) return byName ? name : '';
  const parts = dimensions.map((d) => `${d}=${hasOwn(tags, d) ? tags[d] : ''}`).join(',');
  return byName ? `${name}\n${parts}` : parts;
}

/**
 * One point for a stream output, made from a whole batch (an aggregate, a
 * summary): the batch's name and group tags, its dimensions and `byName`, as
 * Kapacitor itself describes a batch (dimensions are the sorted group tag
 * names, see edge.NewBeginBatchMessage), so Kapacitor puts the point in the
 * batch's group; time is the batch's `tmax` unless `time` is given.
 */
export function pointFromBatch(batch: BatchBounds, fields: FieldValues, time?: bigint): Point {
  const { begin, end } = batch;
  const tags: Record<string, string> = {};
  for (const key of Object.keys(begin.tags)) setOwn(tags, key, begin.tags[key]);
  const dimensions = sortedKeys(tags);
  const maps = fieldsOnly(fields);
  return {
    time: time ?? end.tmax,
    name: begin.name,
    database: '',
    retentionPolicy: '',
    // Kapacitor recomputes the group of a stream point from name, tags and
    // dimensions (it ignores this field); it is set the same way for readers.
    group: groupID(begin.name, tags, dimensions, begin.byName),
    dimensions,
    tags,
    fieldsDouble: maps.fieldsDouble,
    fieldsInt: maps.fieldsInt,
    fieldsString: maps.fieldsString,
    byName: begin.byName,
    fieldsBool: maps.fieldsBool,
  };
}

/**
 * A numeric field as a number, whether it arrived as a double or an int
 * (ints beyond ±2^53 lose precision; read `point.fieldsInt` for exact
 * values). `undefined` when the point has no such double or int field.
 */
export function numericField(point: Point, name: string): number | undefined {
  if (hasOwn(point.fieldsDouble, name)) return point.fieldsDouble[name];
  if (hasOwn(point.fieldsInt, name)) return Number(point.fieldsInt[name]);
  return undefined;
}
