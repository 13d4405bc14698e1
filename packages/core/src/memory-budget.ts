/**
 * ONE budget per thread for the memory peers can make us hold: collected
 * batches (decorators' @OnBatch), requests queued behind a pending handler
 * (decoded: their estimated heap size, see heap-estimate.ts), and partially
 * received frames. Each connection has an account (RetainedAccount); when
 * the sum over all of them exceeds the limit, the connection holding the
 * most is failed and its bytes given back, until the sum fits again. A
 * bystander holding little is never the one failed, whichever connection's
 * bytes crossed the limit (the holder of the most may be that connection).
 *
 * Why per thread: a worker thread has its own heap (and heap limit), so
 * each thread sizes its own budget from its own heap limit.
 */
import { getHeapStatistics } from 'node:v8';
import { MemoryBudgetError } from './errors';
import { nameOption, type OptionNames } from './option-names';

/**
 * Default share of the thread's heap limit that retained bytes may take:
 * one half. The other half is the working room the thread needs while it
 * holds them: decoding a message of up to maxMessageSize (64 MiB by default)
 * and its copies, what handlers build (window state, emitted responses), and
 * the headroom V8's garbage collector needs to not thrash near the limit
 * (measured: a heap 90% full of live data spends most of its time in GC,
 * and a bystander's keepalive answer took seconds - issue 20). The estimate
 * of what a connection holds may also be off by some tens of percent.
 */
export const DEFAULT_RETAINED_HEAP_SHARE = 0.5;

/** The default budget of this thread: DEFAULT_RETAINED_HEAP_SHARE of its heap limit. */
export function defaultMaxRetainedSize(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_RETAINED_HEAP_SHARE);
}

export class MemoryBudget {
  /** Bytes held now, summed over every account. */
  used = 0;
  /** The most `used` has been (for tests and diagnostics). */
  peak = 0;
  /** Connections failed to make room. */
  evictions = 0;
  readonly limit: number;
  private readonly accounts = new Set<RetainedAccount>();

  /**
   * @param limit bytes all accounts together may hold; default
   *   defaultMaxRetainedSize() (half this thread's heap limit)
   * @param optionNames how the eviction message names maxRetainedSize
   */
  constructor(
    limit?: number,
    readonly optionNames?: OptionNames,
  ) {
    this.limit = limit ?? defaultMaxRetainedSize();
    if (!Number.isSafeInteger(this.limit) || this.limit < 1) {
      throw new RangeError(`maxRetainedSize must be an integer number of bytes >= 1, got ${String(limit)}`);
    }
  }

  /** Accounts open now (for tests and diagnostics). */
  get accountCount(): number {
    return this.accounts.size;
  }

  /**
   * A new connection's account. `evict` is called (synchronously, possibly
   * from another connection's input) when this account is the largest of an
   * exhausted budget: it must end the conversation with `reason`; its bytes
   * are already given back.
   */
  open(evict: (reason: MemoryBudgetError) => void): RetainedAccount {
    const account = new RetainedAccount(this, evict);
    this.accounts.add(account);
    return account;
  }

  /** @internal Called by an account whose holdings grew by `bytes`. */
  grow(bytes: number): void {
    const used = (this.used += bytes);
    if (used > this.peak) this.peak = used;
    if (used > this.limit) this.makeRoom();
  }

  /** @internal */
  shrink(bytes: number): void {
    this.used -= bytes;
  }

  /** @internal */
  remove(account: RetainedAccount): void {
    this.accounts.delete(account);
  }

  /**
   * Fails the largest holders until the budget fits. Terminates: each
   * round removes the largest account with its bytes (> 0, because the
   * accounts hold `used` > limit >= 1 between them).
   */
  private makeRoom(): void {
    while (this.used > this.limit) {
      let largest: RetainedAccount | undefined;
      for (const a of this.accounts) if (largest === undefined || a.held > largest.held) largest = a;
      if (largest === undefined || largest.held <= 0) return;
      const error = this.evictionError(largest);
      this.evictions++;
      largest.evicted(error);
    }
  }

  private evictionError(victim: RetainedAccount): MemoryBudgetError {
    return new MemoryBudgetError(
      `this connection held the most memory (${size(victim.held)}) when the connections of this thread together held ` +
        `${size(this.used)} in collected batches, queued requests and partial frames (estimated heap bytes), more than ` +
        `their ${size(this.limit)} budget (maxRetainedSize): it was failed so that the others can go on; send smaller ` +
        `batches, or raise ${nameOption(this.optionNames, 'maxRetainedSize')} (with a larger heap: node --max-old-space-size)`,
    );
  }
}

/** `n` bytes for a message: MiB with one decimal from 1 MiB, else bytes. */
function size(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${n} bytes`;
}

/** What one connection holds against its thread's MemoryBudget. */
export class RetainedAccount {
  /** Bytes this connection holds now. */
  held = 0;
  /** Evicted or closed: charges are ignored from now on. */
  closed = false;
  private listeners: Array<() => void> = [];

  /** @internal Use MemoryBudget.open(). */
  constructor(
    private readonly budget: MemoryBudget,
    private readonly onEvict: (reason: MemoryBudgetError) => void,
  ) {}

  /**
   * Charges `bytes` more. Returns false when the connection is over (closed,
   * or it was failed by this very charge, being the largest holder of an
   * exhausted budget): the caller should drop what it was about to keep.
   */
  hold(bytes: number): boolean {
    if (this.closed) return false;
    this.held += bytes;
    this.budget.grow(bytes);
    return !this.closed;
  }

  /** Gives back `bytes` (no more than held). */
  drop(bytes: number): void {
    if (this.closed) return;
    const n = bytes < this.held ? bytes : this.held;
    this.held -= n;
    this.budget.shrink(n);
  }

  /** Called when this account is evicted (before the conversation is failed): drop what you hold. */
  onEvicted(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Gives back everything and leaves the budget: the conversation is over. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.budget.shrink(this.held);
    this.held = 0;
    this.budget.remove(this);
    this.listeners = [];
  }

  /** @internal Called by the budget: this account held the most of an exhausted budget. */
  evicted(reason: MemoryBudgetError): void {
    const listeners = this.listeners;
    this.close();
    for (const l of listeners) l();
    this.onEvict(reason);
  }
}
