/**
 * The bytes every connection of one thread holds in partially received
 * frames, against one limit. A frame may be up to maxMessageSize, and each
 * connection may hold one incomplete: without a shared bound, many peers
 * each sending most of a large frame (and never the rest) can take a server
 * far past its memory.
 *
 * Fair to the connections whose frames do complete: each connection's first
 * `reserve` bytes of a partial frame are its own (not charged), and when the
 * shared budget is exhausted the holder whose frame has been over its
 * reserve the longest is evicted, whichever connection's bytes pushed it over. A peer
 * trickling a byte now and then holds its frame for long and is the one cut;
 * a busy task's frames complete within moments and are the youngest.
 * (Before, the connection whose chunk crossed the limit failed: three peers
 * trickling held the budget and the next busy task was cut.)
 */

/** Default of `maxPartialFramesSize`: 128 MiB (two messages of the default maxMessageSize). */
export const DEFAULT_MAX_PARTIAL_FRAMES_SIZE = 128 * 1024 * 1024;
/** Default of `frameTimeoutMs`: a frame that stops arriving for 30 s is abandoned. */
export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;
/**
 * Bytes of a partial frame each connection holds outside the shared budget:
 * a point of a few KiB is never cut by it. Bounded by the number of
 * connections (64 KiB x 1,000 connections = 64 MiB).
 */
export const PARTIAL_FRAME_RESERVE = 64 * 1024;

/** One connection's partial frame, as the budget sees it (PartialFrame). */
export interface FrameBudgetHolder {
  /** Bytes beyond the reserve, counted in FrameBudget.used. */
  readonly charged: number;
  /** When its incomplete frame went past the reserve (performance.now() ms). */
  readonly since: number;
  /** Ends its conversation with `reason` and releases its bytes, synchronously. */
  evict(reason: Error): void;
  /** The error telling this holder why it is evicted. */
  evictionError(budget: FrameBudget): Error;
}

export class FrameBudget {
  /** Bytes charged now (each holder's bytes beyond its reserve), summed over every agent sharing this budget. */
  used = 0;
  /** Holders with bytes charged. */
  private readonly holders = new Set<FrameBudgetHolder>();

  constructor(
    readonly limit: number = DEFAULT_MAX_PARTIAL_FRAMES_SIZE,
    readonly reserve: number = PARTIAL_FRAME_RESERVE,
  ) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`maxPartialFramesSize must be an integer number of bytes >= 1, got ${String(limit)}`);
    }
    if (!Number.isSafeInteger(reserve) || reserve < 0) {
      throw new RangeError(`the partial frame reserve must be an integer number of bytes >= 0, got ${String(reserve)}`);
    }
  }

  /** Holders with bytes charged (for tests and diagnostics). */
  get holderCount(): number {
    return this.holders.size;
  }

  /** Records `holder`'s new charge (called by the holder whenever it changes). */
  charge(holder: FrameBudgetHolder, before: number): void {
    this.used += holder.charged - before;
    if (holder.charged > 0) this.holders.add(holder);
    else this.holders.delete(holder);
  }

  /**
   * Called when `requester`'s bytes took `used` past the limit: evicts the
   * oldest holders until the budget fits again. Returns the error for the
   * requester when it is itself the oldest (it must then fail), else
   * undefined.
   */
  makeRoom(requester: FrameBudgetHolder): Error | undefined {
    while (this.used > this.limit) {
      let victim: FrameBudgetHolder | undefined;
      for (const h of this.holders) {
        if (victim === undefined || h.since < victim.since || (h.since === victim.since && h.charged > victim.charged)) victim = h;
      }
      if (victim === undefined) return undefined;
      const reason = victim.evictionError(this);
      if (victim === requester) return reason;
      const before = this.used;
      victim.evict(reason);
      // An eviction that released nothing would loop forever: the requester goes instead.
      if (this.used >= before) return requester.evictionError(this);
    }
    return undefined;
  }
}
