/**
 * The requests an Agent received but cannot handle yet (a handler call is
 * pending, or the output is full), in arrival order, with the markers queued
 * behind them (EOF, an input error) so that everything received before a
 * marker is handled first.
 */

import { estimateRequestHeapBytes } from './heap-estimate';
import type { RetainedAccount } from './memory-budget';
import type { Request } from './protocol/udf';

/** Queued behind the requests received before the end of the input (or close()). */
export const EOF = Symbol('eof');

/** A request queued as its body bytes (already decoded once, so known valid): decoded again when its turn comes. */
export class QueuedBody {
  constructor(readonly body: Uint8Array) {}
}
/** What holding a QueuedBody costs beyond its bytes (the Uint8Array and wrapper objects). */
const QUEUED_BODY_OVERHEAD = 160;

export type QueueItem = Request | QueuedBody | typeof EOF | Error;

/**
 * Every item is charged to the connection's RetainedAccount while it waits:
 * a decoded Request at its estimated heap size (heap-estimate.ts), a
 * QueuedBody at its bytes. `heldBytes` is the queue's own sum (what
 * maxQueuedSize bounds).
 */
export class RequestQueue {
  private items: (QueueItem | undefined)[] = [];
  /** Body size of each item (parallel to `items`), given back by shift() through lastBytes. */
  private sizes: number[] = [];
  /** Bytes charged for each item (parallel to `items`). */
  private charges: number[] = [];
  private head = 0;
  /** Bytes held by the waiting items: estimated heap bytes of decoded requests, bytes (with overhead) of QueuedBody items. */
  heldBytes = 0;
  /** Body size of the item shift() returned last. */
  lastBytes = 0;

  constructor(private readonly account: RetainedAccount) {}

  /** Nothing is waiting (checked for every request on the hot path: kept a plain comparison). */
  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues a marker (EOF, an error): not charged. */
  pushMarker(item: typeof EOF | Error): void {
    this.add(item, 0, 0);
  }

  /**
   * Queues a decoded request of `bytes` body bytes, charged at its estimated
   * heap size. Returns false when the charge failed the conversation (the
   * largest holder of an exhausted budget: the queue was cleared).
   */
  push(item: Request, bytes: number): boolean {
    return this.add(item, bytes, estimateRequestHeapBytes(item, bytes));
  }

  /** Queues a request as its body bytes (charged with their overhead). Returns false as push() does. */
  pushBody(body: Uint8Array): boolean {
    return this.add(new QueuedBody(body), body.length, body.length + QUEUED_BODY_OVERHEAD);
  }

  private add(item: QueueItem, bytes: number, charge: number): boolean {
    this.items.push(item);
    this.sizes.push(bytes);
    this.charges.push(charge);
    if (charge === 0) return true;
    this.heldBytes += charge;
    // May fail this conversation synchronously (clear() runs then).
    return this.account.hold(charge);
  }

  /** The oldest item (the queue must not be empty), its body size in lastBytes. */
  shift(): QueueItem {
    const item = this.items[this.head]!;
    this.lastBytes = this.sizes[this.head];
    const charge = this.charges[this.head];
    this.items[this.head++] = undefined;
    if (charge !== 0) {
      this.heldBytes -= charge;
      this.account.drop(charge);
    }
    return item;
  }

  /** Gives back the room of handled items: all of it when empty, else once they are most of it. */
  compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.sizes.length = 0;
      this.charges.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.charges.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Drops every item (the conversation failed), giving back their charges. */
  clear(): void {
    this.items = [];
    this.sizes = [];
    this.charges = [];
    this.account.drop(this.heldBytes);
    this.heldBytes = 0;
    this.head = 0;
  }
}
