import { type Point, withFields } from '@kapacitor-udf/decorators';

const own = (map: object, key: string) => Object.hasOwn(map, key);

/**
 * Sets `map[key]` as an own property. Plain assignment would not do for
 * every name: `map['__proto__'] = v` changes the prototype instead.
 */
function setOwn<T>(map: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/** True when the point has a field of that name, of any of the four types. */
function hasField(p: Point, name: string): boolean {
  return own(p.fieldsDouble, name) || own(p.fieldsInt, name) || own(p.fieldsString, name) || own(p.fieldsBool, name);
}

/**
 * Tags with the defaults added where a tag is missing or empty (Kapacitor's
 * DefaultNode treats an empty tag value as absent). The input is not changed.
 */
export function defaultTags(tags: { [key: string]: string }, defaults: ReadonlyArray<[string, string]>): { [key: string]: string } {
  let out = tags;
  for (const [name, value] of defaults) {
    if (!own(out, name) || out[name] === '') {
      if (out === tags) out = { ...tags };
      setOwn(out, name, value);
    }
  }
  return out;
}

/**
 * The point with each default double field set where no field of that name
 * exists (in any typed map), and each default tag set where it is missing or
 * empty. The input point is not changed; when nothing is missing it is
 * returned as is.
 */
export function setDefaults(p: Point, fields: ReadonlyArray<[string, number]>, tags: ReadonlyArray<[string, string]>): Point {
  let missing: { [name: string]: number } | undefined;
  for (const [name, value] of fields) {
    if (!hasField(p, name)) setOwn((missing ??= {}), name, value);
  }
  const withDefaults = missing === undefined ? p : withFields(p, missing);
  const newTags = defaultTags(p.tags, tags);
  return newTags === p.tags ? withDefaults : { ...withDefaults, tags: newTags };
}
