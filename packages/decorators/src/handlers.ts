/**
 * Handler method decorators. Each handler receives its argument (if any) and a
 * `UdfContext` as the last argument; what it returns is emitted.
 */
import type { HandlerKind } from './definition';
import { HANDLER_DECORATOR_NAMES } from './definition';
import { UdfDefinitionError } from './errors';
import type { HandlerDecorator } from './handler-signatures';
import { declareMember } from './member';

function handlerDecorator<K extends HandlerKind>(kind: K): () => HandlerDecorator<K> {
  const name = HANDLER_DECORATOR_NAMES[kind];
  return (...misuse: unknown[]) => {
    // `@OnPoint` without parentheses would pass the decorator arguments here.
    if (misuse.length > 0) throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', `write ${name}() with parentheses`);
    return function decorate(...args: unknown[]): void {
      declareMember(name, 'method', args, (declared, method) => {
        declared.handlers.push({ kind, method });
      });
    } as HandlerDecorator<K>;
  };
}

/**
 * `(ctx) => void | Promise<void>`: runs after options are assigned and
 * validated. Throw (or reject) to refuse Init: the error's message becomes
 * `InitResponse.error`.
 */
export const OnInit = handlerDecorator('init');

/** `(point, ctx) => Point | Point[] | void | Promise<...>`: every input point; returned points are emitted. */
export const OnPoint = handlerDecorator('point');

/** `(begin, ctx) => BeginBatch | void | Promise<...>`: start of an input batch; a returned BeginBatch is emitted. */
export const OnBeginBatch = handlerDecorator('beginBatch');

/** `(end, ctx) => EndBatch | void | Promise<...>`: end of an input batch; a returned EndBatch is emitted. */
export const OnEndBatch = handlerDecorator('endBatch');

/**
 * `({ begin, points, end }, ctx) => Batch | Batch[] | Point | Point[] | void | Promise<...>`:
 * a whole input batch at once. Returned batches are emitted as BeginBatch
 * (with `size` set), points, EndBatch.
 */
export const OnBatch = handlerDecorator('batch');

/** `(ctx) => Uint8Array | Promise<Uint8Array>`: the bytes Kapacitor saves for this node. */
export const OnSnapshot = handlerDecorator('snapshot');

/**
 * `(bytes, ctx) => void | { success: false, error } | Promise<...>`: restore
 * what `@OnSnapshot` produced. Throwing refuses the restore with the message.
 */
export const OnRestore = handlerDecorator('restore');

/** `(ctx) => void | Promise<void>`: input ended; flush pending output and clear timers. */
export const OnStop = handlerDecorator('stop');
