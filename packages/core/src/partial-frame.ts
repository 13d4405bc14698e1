/**
 * One connection's partially received frame: its bytes charged to the
 * FrameBudget shared by the connections of a thread (beyond the budget's
 * per-connection reserve), and the timer that gives up on a frame whose
 * sender stopped in its middle.
 */
import { InputLimitError } from './errors';
import type { FrameBudget, FrameBudgetHolder } from './frame-budget';
import { nameOption, type OptionNames } from './option-names';

export class PartialFrame implements FrameBudgetHolder {
  /** Bytes of the incomplete frame. */
  private held = 0;
  /** This connection's share of budget.used: held beyond the reserve. */
  charged = 0;
  /** When the incomplete frame went past the reserve (performance.now() ms): its age, as the budget sees it. */
  since = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param timeoutMs how long an incomplete frame may go without a new byte (0 = forever)
   * @param onIdle called when it did (not after release())
   * @param onEvicted called (synchronously, from another connection's input)
   *   when the budget evicts this frame: must release() it and end the conversation with `reason`
   * @param optionNames how the error messages name the options (see nameOption)
   */
  constructor(
    private readonly budget: FrameBudget,
    readonly timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly onEvicted: (reason: InputLimitError) => void,
    private readonly optionNames?: OptionNames,
  ) {}

  /**
   * After a chunk that left a frame incomplete with `bytes` received
   * (`newFrame`: that frame began in this chunk): charges them. Over the
   * budget, the oldest holders are evicted; returns the error that ends this
   * conversation when it is itself the oldest, else undefined.
   */
  hold(bytes: number, newFrame: boolean): InputLimitError | undefined {
    const wasCharged = this.charged > 0;
    this.setHeld(bytes);
    // Hot path (Kapacitor writes a frame's prefix and body apart, so most
    // chunks end inside a frame): a frame within the reserve costs two
    // comparisons here, no clock read. Only a frame past the reserve is aged.
    if (this.charged > 0 && (!wasCharged || newFrame)) this.since = performance.now();
    if (this.budget.used <= this.budget.limit || this.charged === 0) return undefined;
    return this.budget.makeRoom(this) as InputLimitError | undefined;
  }

  /** After a chunk that ended on a frame boundary: nothing is held (checked for every chunk: a comparison when nothing was). */
  clear(): void {
    if (this.held !== 0) this.setHeld(0);
  }

  /** (Re)starts the idle timer: it fires only after timeoutMs without input. */
  watch(): void {
    if (this.timeoutMs === 0) return;
    // One timer, refreshed per chunk.
    if (this.timer === null) {
      this.timer = setTimeout(this.onIdle, this.timeoutMs);
      this.timer.unref();
    } else {
      this.timer.refresh();
    }
  }

  /** The error for a frame that went idle, `bytes` of it received. */
  idleError(bytes: number): InputLimitError {
    return new InputLimitError(
      'ERR_FRAME_TIMEOUT',
      `incomplete frame: ${bytes} bytes of a message arrived, then nothing for ${this.timeoutMs} ms ` +
        `(the sender stopped in the middle of a message); raise ${nameOption(this.optionNames, 'frameTimeoutMs')} for a very slow link`,
    );
  }

  evict(reason: Error): void {
    this.onEvicted(reason as InputLimitError);
  }

  evictionError(budget: FrameBudget): InputLimitError {
    const ageMs = Math.round(performance.now() - this.since);
    return new InputLimitError(
      'ERR_PARTIAL_FRAMES_BUDGET',
      `the bytes held in partially received frames of all connections reached the ${budget.limit}-byte budget ` +
        `(maxPartialFramesSize), and this connection's incomplete frame (${this.held} bytes, over the ${budget.reserve}-byte reserve for ${ageMs} ms) ` +
        'was the oldest: it was dropped so that connections whose messages complete can go on; ' +
        `raise ${nameOption(this.optionNames, 'maxPartialFramesSize')} if many large messages legitimately arrive slowly at once`,
    );
  }

  /** Gives back this connection's share of the budget and stops the timer: its input is over. */
  release(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.clear();
  }

  private setHeld(bytes: number): void {
    this.held = bytes;
    const before = this.charged;
    this.charged = bytes > this.budget.reserve ? bytes - this.budget.reserve : 0;
    if (this.charged !== before) this.budget.charge(this, before);
  }
}
