/**
 * The requests an Agent received but cannot handle yet (a handler call is
 * pending, or the output is full), in arrival order, with the markers queued
 * behind them (EOF, an input error) so that everything received before a
 * marker is handled first.
 */
import type { Request } from './generated/udf';

/** Queued behind the requests received before the end of the input (or close()). */
export const EOF = Symbol('eof');

/** A request queued as its body bytes (already decoded once, so known valid): decoded again when its turn comes. */
export class QueuedBody {
  constructor(readonly body: Uint8Array) {}
}
/** What holding a QueuedBody costs beyond its bytes (the Uint8Array and wrapper objects). */
const QUEUED_BODY_OVERHEAD = 160;

export type QueueItem = Request | QueuedBody | typeof EOF | Error;

export class RequestQueue {
  private items: (QueueItem | undefined)[] = [];
  /** Body size of each item (parallel to `items`), given back by shift() through lastBytes. */
  private sizes: number[] = [];
  private head = 0;
  /** Bytes held by QueuedBody items (with their overhead). */
  bodyBytes = 0;
  /** Body size of the item shift() returned last. */
  lastBytes = 0;

  /** Nothing is waiting (checked for every request on the hot path: kept a plain comparison). */
  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(item: QueueItem, bytes = 0): void {
    this.items.push(item);
    this.sizes.push(bytes);
  }

  /** Queues a request as its body bytes; they count in bodyBytes until shifted. */
  pushBody(body: Uint8Array): void {
    this.push(new QueuedBody(body), body.length);
    this.bodyBytes += body.length + QUEUED_BODY_OVERHEAD;
  }

  /** The oldest item (the queue must not be empty), its body size in lastBytes. */
  shift(): QueueItem {
    const item = this.items[this.head]!;
    this.lastBytes = this.sizes[this.head];
    this.items[this.head++] = undefined;
    if (item instanceof QueuedBody) this.bodyBytes -= item.body.length + QUEUED_BODY_OVERHEAD;
    return item;
  }

  /** Gives back the room of handled items: all of it when empty, else once they are most of it. */
  compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.sizes.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Drops every item (the conversation failed). */
  clear(): void {
    this.items = [];
    this.sizes = [];
    this.bodyBytes = 0;
    this.head = 0;
  }
}
