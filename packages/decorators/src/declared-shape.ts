/**
 * The shape a `@State({ shape })` property is declared to have, such as
 * `Map<string,Array<number>>`, in the notation of state-shape.ts. A Restore
 * checks every value against it, element by element: the shape a snapshot
 * records about itself only proves the blob is self-consistent, not that its
 * values are what the UDF's code computes with (a window of strings restored
 * into movingAvg made it emit NaN).
 *
 * Notation: a union of alternatives separated by `|`; each is `*` (anything),
 * a primitive (`number`, `string`, `boolean`, `bigint`, `null`, `undefined`),
 * `Array<T>`, `Set<T>`, `Map<K,V>`, `Object<V>` (a plain object whose
 * property values are V), or `Date`, `RegExp`, `ArrayBuffer`, a typed array
 * name (`Float64Array`...). A container without `<...>` holds anything.
 */
import { UdfDefinitionError } from './errors';

export type ShapeUnion = readonly ShapeNode[];
export interface ShapeNode {
  readonly name: string;
  /** Element shapes: one for Array/Set/Object, two for Map; empty = anything. */
  readonly args: readonly ShapeUnion[];
}

const CONTAINERS: Record<string, number> = { Array: 1, Set: 1, Object: 1, Map: 2 };
const PRIMITIVES = new Set(['number', 'string', 'boolean', 'bigint', 'null', 'undefined']);
const LEAVES = new Set([
  'Date',
  'RegExp',
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
]);

/** Parses a declared shape; a malformed one is a UdfDefinitionError naming `where`. */
export function parseShape(text: string, where: string): ShapeUnion {
  const source = text.replace(/\s+/g, '');
  let at = 0;
  const fail = (why: string): never => {
    throw new UdfDefinitionError(
      'ERR_STATE_SHAPE',
      `${where}: shape ${JSON.stringify(text)} ${why} (write e.g. 'Map<string,Array<number>>', 'Array<number|null>', 'Object<string>')`,
    );
  };
  const union = (): ShapeNode[] => {
    const alternatives = [node()];
    while (source[at] === '|') {
      at++;
      alternatives.push(node());
    }
    return alternatives;
  };
  const node = (): ShapeNode => {
    if (source[at] === '*') {
      at++;
      return { name: '*', args: [] };
    }
    const match = /^[A-Za-z][A-Za-z0-9]*/.exec(source.slice(at));
    if (match === null) return fail(`has no type at character ${at + 1}`);
    const name = match[0];
    at += name.length;
    const arity = CONTAINERS[name];
    if (arity === undefined) {
      if (!PRIMITIVES.has(name) && !LEAVES.has(name)) return fail(`names an unknown type '${name}'`);
      if (source[at] === '<') return fail(`gives '${name}' element types`);
      return { name, args: [] };
    }
    if (source[at] !== '<') return { name, args: [] };
    at++;
    const args = [union()];
    while (source[at] === ',') {
      at++;
      args.push(union());
    }
    if (source[at] !== '>') return fail(`is missing a '>' at character ${at + 1}`);
    at++;
    if (args.length !== arity) return fail(`gives ${name} ${args.length} element type(s), it takes ${arity}`);
    return { name, args };
  };
  const result = union();
  if (at !== source.length) fail(`has unexpected text at character ${at + 1}`);
  return result;
}

/**
 * Where `value` departs from `shape` (e.g. `["a"][3] is a string, not
 * number`), or undefined when it conforms. Visits each element once, down
 * to the depth the declared shape describes: linear in the value's size.
 */
export function shapeMismatch(value: unknown, shape: ShapeUnion): string | undefined {
  return check(value, shape, '');
}

function check(value: unknown, shape: ShapeUnion, path: string): string | undefined {
  let firstProblem: string | undefined;
  for (const node of shape) {
    const problem = checkNode(value, node, path);
    if (problem === undefined) return undefined;
    firstProblem ??= problem;
  }
  return shape.length === 1 ? firstProblem : `${path || 'the value'} is ${describe(value)}, not ${formatUnion(shape)}`;
}

function checkNode(value: unknown, node: ShapeNode, path: string): string | undefined {
  const { name, args } = node;
  if (name === '*') return undefined;
  const here = (): string => `${path || 'the value'} is ${describe(value)}, not ${formatNode(node)}`;
  if (PRIMITIVES.has(name)) {
    if (name === 'null') return value === null ? undefined : here();
    return value !== null && typeof value === name ? undefined : here();
  }
  if (typeof value !== 'object' || value === null) return here();
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  switch (name) {
    case 'Array': {
      if (!Array.isArray(value)) return here();
      const element = args[0];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return `${path || 'the value'} is an array with holes`;
        if (element !== undefined) {
          const problem = check(value[i], element, `${path}[${i}]`);
          if (problem !== undefined) return problem;
        }
      }
      return undefined;
    }
    case 'Set': {
      if (tag !== 'Set') return here();
      if (args[0] === undefined) return undefined;
      for (const v of value as Set<unknown>) {
        const problem = check(v, args[0], `${path}{element}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'Map': {
      if (tag !== 'Map') return here();
      if (args.length === 0) return undefined;
      for (const [k, v] of value as Map<unknown, unknown>) {
        const keyProblem = check(k, args[0]!, `${path}{key ${describeKey(k)}}`);
        if (keyProblem !== undefined) return keyProblem;
        const problem = check(v, args[1]!, `${path}[${describeKey(k)}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'Object': {
      if (tag !== 'Object' || Array.isArray(value)) return here();
      if (args[0] === undefined) return undefined;
      for (const key of Object.keys(value)) {
        const problem = check((value as Record<string, unknown>)[key], args[0], `${path}.${key}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return tag === name ? undefined : here();
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (Array.isArray(value)) return 'an Array';
  return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
}

function describeKey(key: unknown): string {
  const text = typeof key === 'string' ? JSON.stringify(key) : String(key);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function formatUnion(shape: ShapeUnion): string {
  return shape.map(formatNode).join('|');
}

function formatNode(node: ShapeNode): string {
  return node.args.length === 0 ? node.name : `${node.name}<${node.args.map(formatUnion).join(',')}>`;
}
