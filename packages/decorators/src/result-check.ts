/**
 * Checks of what handlers return or emit, before anything reaches the
 * encoder: the encoder writes absent fields as defaults, so without these an
 * empty object (or a promise-like object that was not awaited) would reach
 * Kapacitor as a point at time 0 with no name.
 */

/** Anything with a callable `then`: native promises, promises of another realm, query objects. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A short description of a value that is not what was expected ("a string", "null"...). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (isThenable(value)) return 'a thenable (a promise-like object) that was not awaited';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** Why `value` is not a point, or undefined when it is one (an object with a bigint `time`). */
export function pointProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isThenable(value)) return describeValue(value);
  if (typeof (value as { time?: unknown }).time !== 'bigint') return 'an object without a bigint time';
  return undefined;
}

/** Why `value` is not a BeginBatch / EndBatch message, or undefined when it is one. */
export function messageProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isThenable(value)) return describeValue(value);
  return undefined;
}
