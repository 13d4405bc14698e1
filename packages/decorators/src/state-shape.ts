/**
 * The shape of a @State value, as a short type description such as
 * `Map<string,Array<number>>`: recorded in a snapshot and checked again on
 * Restore, so that a corrupt or foreign snapshot cannot put values of other
 * types into an instance (a window that is a string, or a sparse array of a
 * billion slots, can make a handler loop or fail on every point).
 *
 * Only what `node:v8` serialization keeps is described: class instances
 * come back as plain objects, so every non-builtin object is `Object`.
 * Containers list the union of their element shapes (`Array<>` when empty).
 */

/** Deeper nesting is described as `*` (and so never compared below it). */
const MAX_DEPTH = 16;
/** More distinct element shapes than this in one container are summarized as `*`. */
const MAX_UNION = 8;

/** A description of `value`'s type; `sparse` is set for an array with holes (never valid state). */
export function stateShape(value: unknown, depth = 0): string {
  if (value === null) return 'null';
  const type = typeof value;
  if (type !== 'object') return type;
  if (depth >= MAX_DEPTH) return '*';
  const next = depth + 1;
  if (Array.isArray(value)) {
    const shapes = new Set<string>();
    // Stops at the first hole: a sparse array of huge length costs nothing here.
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return 'sparse Array';
      add(shapes, stateShape(value[i], next));
    }
    return `Array<${union(shapes)}>`;
  }
  // Tags, not instanceof: restored values may come from another realm (node:v8
  // deserializes into the main context, e.g. under a test runner's vm).
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Map]') {
    const keys = new Set<string>();
    const values = new Set<string>();
    for (const [k, v] of value as Map<unknown, unknown>) {
      add(keys, stateShape(k, next));
      add(values, stateShape(v, next));
    }
    return `Map<${union(keys)},${union(values)}>`;
  }
  if (tag === '[object Set]') {
    const shapes = new Set<string>();
    for (const v of value as Set<unknown>) add(shapes, stateShape(v, next));
    return `Set<${union(shapes)}>`;
  }
  if (tag === '[object Date]') return 'Date';
  if (tag === '[object RegExp]') return 'RegExp';
  if (ArrayBuffer.isView(value)) return tag.slice(8, -1);
  if (tag === '[object ArrayBuffer]') return 'ArrayBuffer';
  const shapes = new Set<string>();
  for (const key of Object.keys(value as object)) add(shapes, stateShape((value as Record<string, unknown>)[key], next));
  return `Object<${union(shapes)}>`;
}

/** The outermost kind only (`Map`, `Array`, `number`...), to compare with an instance's initial value. */
export function outerKind(shape: string): string {
  const at = shape.indexOf('<');
  return at < 0 ? shape : shape.slice(0, at);
}

function add(shapes: Set<string>, shape: string): void {
  if (shapes.size <= MAX_UNION) shapes.add(shape);
}

function union(shapes: Set<string>): string {
  if (shapes.size > MAX_UNION) return '*';
  return [...shapes].sort().join('|');
}
