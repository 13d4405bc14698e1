import type { Emitter, Handler } from '../../src/handler';

/**
 * A mirror Handler for Agent tests: every point, BeginBatch and EndBatch goes
 * back out; every method can be replaced through `overrides`.
 */
export function mirrorHandler(emitter: Emitter, overrides: Partial<Handler> = {}): Handler {
  return {
    info: () => ({ wants: 0, provides: 0, options: {} }),
    init: () => ({ success: true, error: '' }),
    snapshot: () => ({ snapshot: Buffer.alloc(0) }),
    restore: () => ({ success: true, error: '' }),
    beginBatch: (b) => emitter.beginBatch(b),
    point: (p) => emitter.point(p),
    endBatch: (e) => emitter.endBatch(e),
    stop: () => undefined,
    ...overrides,
  };
}

/** A promise with its resolve and reject, for handlers a test settles by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
