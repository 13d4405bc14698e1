/**
 * The method signature each handler decorator accepts, and the decorator type
 * that makes the compiler check a decorated method against it in both
 * decorator modes. Types only: nothing here exists at run time.
 */
import type { BeginBatch, EndBatch, MaybePromise, Point } from '@kapacitor-udf/core';
import type { Batch } from './batch';
import type { UdfContext } from './context';
import type { HandlerKind } from './definition';

/** What `@OnRestore` may return: nothing (success) or a refusal. */
export interface RestoreResult {
  readonly success: boolean;
  readonly error?: string;
}

/** The signature of each handler kind; a method may declare fewer parameters. */
export interface HandlerSignatures {
  init: (ctx: UdfContext) => MaybePromise<void>;
  point: (point: Point, ctx: UdfContext) => MaybePromise<Point | readonly Point[] | void>;
  beginBatch: (begin: BeginBatch, ctx: UdfContext) => MaybePromise<BeginBatch | void>;
  endBatch: (end: EndBatch, ctx: UdfContext) => MaybePromise<EndBatch | void>;
  batch: (batch: Batch, ctx: UdfContext) => MaybePromise<Batch | Point | ReadonlyArray<Batch | Point> | void>;
  snapshot: (ctx: UdfContext) => MaybePromise<Uint8Array>;
  restore: (bytes: Uint8Array, ctx: UdfContext) => MaybePromise<RestoreResult | void>;
  stop: (ctx: UdfContext) => MaybePromise<void>;
}

/**
 * A handler decorator as the compiler sees it: legacy mode passes the
 * method's descriptor, TC39 mode the method itself; either way the method's
 * type `M` must be assignable to the kind's signature.
 */
export interface HandlerDecorator<K extends HandlerKind> {
  <M extends HandlerSignatures[K]>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<M>): void;
  <This, M extends HandlerSignatures[K]>(value: M, context: ClassMethodDecoratorContext<This, M>): void;
}
