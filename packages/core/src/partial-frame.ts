/**
 * One connection's partially received frame: its bytes charged to the
 * FrameBudget shared by the connections of a thread, and the timer that
 * gives up on a frame whose sender stopped in its middle.
 */
import { InputLimitError } from './errors';
import type { FrameBudget } from './frame-budget';
import { nameOption, type OptionNames } from './option-names';

export class PartialFrame {
  /** This connection's share of budget.used: its decoder's partial frame. */
  private held = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param timeoutMs how long an incomplete frame may go without a new byte (0 = forever)
   * @param onIdle called when it did (not after release())
   * @param optionNames how the error messages name the options (see nameOption)
   */
  constructor(
    private readonly budget: FrameBudget,
    readonly timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly optionNames?: OptionNames,
  ) {}

  /**
   * After a chunk that left a frame incomplete with `bytes` received: charges
   * them. Returns the error that ends the conversation when every connection
   * together now holds more than the budget, else undefined.
   */
  hold(bytes: number): InputLimitError | undefined {
    this.charge(bytes);
    const budget = this.budget;
    if (budget.used > budget.limit && this.held > 0) {
      return new InputLimitError(
        'ERR_PARTIAL_FRAMES_BUDGET',
        `a frame of this connection would take the bytes held in partially received frames to ${budget.used}, ` +
          `more than the ${budget.limit} bytes all connections may hold (maxPartialFramesSize); ` +
          `raise ${nameOption(this.optionNames, 'maxPartialFramesSize')} if many large messages legitimately arrive at once`,
      );
    }
    return undefined;
  }

  /** After a chunk that ended on a frame boundary: nothing is held (checked for every chunk: a comparison when nothing was). */
  clear(): void {
    if (this.held !== 0) this.charge(0);
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

  /** Gives back this connection's share of the budget and stops the timer: its input is over. */
  release(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.clear();
  }

  private charge(bytes: number): void {
    this.budget.used += bytes - this.held;
    this.held = bytes;
  }
}
