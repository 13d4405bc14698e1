/** What a handler may return instead of a value: anything with a then() (a promise, or another library's thenable). */
export interface Thenable {
  then(onFulfilled: (value: unknown) => void, onRejected: (reason: unknown) => void): unknown;
}

export function isThenable(value: unknown): value is Thenable {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as Thenable).then === 'function';
}
