/**
 * Paces how often the Agent takes input under sustained load.
 *
 * Kapacitor writes one point at a time (two writes a point: the length
 * prefix, then the body), so at tens of thousands of points a second a UDF
 * that reads whenever bytes arrive wakes up for a point or two each time,
 * and each wake-up (the process scheduled again, an event-loop turn, a read
 * system call, stream callbacks) costs more than decoding the point. When
 * input that completed requests arrives less than `intervalMs` after the
 * last such input, the pacer pauses the input until that interval is over,
 * so the points sent meanwhile are read and handled in one go. Only small
 * chunks are paced: a large one means input is already coming in bulk (the
 * UDF is the bottleneck), and holding it would only slow the UDF down. Input after
 * a quiet interval is never held: a lone point is handled at once (its
 * length prefix alone completes no request, so the body that follows it
 * is not held either).
 *
 * A paused stream stops reading from its source once it has buffered
 * highWaterMark bytes; the pacer lowers that mark (see lowerReadAhead) so
 * that a paused input wakes the process up once at most.
 */
export class ReadPacer {
  private readonly intervalMs: number;
  private readonly pause: () => void;
  private readonly resume: () => void;
  /** performance.now() of the last input that completed a request. */
  private lastWorkAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private stopped = false;

  constructor(intervalMs: number, pause: () => void, resume: () => void) {
    this.intervalMs = intervalMs;
    this.pause = pause;
    this.resume = resume;
    this.onTimer = this.onTimer.bind(this);
  }

  /** Called after a chunk of input (`bytes` long) that completed at least one request was handled. */
  afterWork(bytes: number): void {
    if (this.intervalMs <= 0 || this.paused || this.stopped) return;
    if (bytes >= SMALL_CHUNK) {
      this.lastWorkAt = -Infinity;
      return;
    }
    const now = performance.now();
    const since = now - this.lastWorkAt;
    this.lastWorkAt = now;
    if (since >= this.intervalMs) return;
    this.paused = true;
    this.pause();
    // One timer object, re-armed for each pause (Node's timers have 1 ms granularity anyway).
    if (this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs);
    else this.timer.refresh();
  }

  private onTimer(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.stopped) this.resume();
  }

  /** No more pacing (the input is done): a pending resume is dropped and the timer keeps nothing alive. */
  stop(): void {
    this.stopped = true;
    this.paused = false;
    this.timer?.unref();
  }
}

interface ReadableInternals {
  _readableState?: { highWaterMark?: unknown };
}

/** Default pacing interval, in ms (the same as FrameWriter's shortest time between writes). */
export const READ_INTERVAL_MS = 1;

/**
 * Chunks at least this long are never paced: at 50k points a second a
 * millisecond of Kapacitor's points is ~8 KiB, so a chunk this size already
 * holds a good run of points (and reads return up to 64 KiB).
 */
const SMALL_CHUNK = 16 * 1024;

/**
 * Makes a paused Node stream stop reading from its source after one more
 * chunk instead of after highWaterMark bytes (16-64 KiB), so that a paused
 * socket or pipe no longer wakes the process up for every write Kapacitor
 * makes. Flowing reads are unaffected (a flowing stream hands each chunk
 * on without buffering it), and output backpressure holds less input too.
 * Node offers no public setter for a stream it created (process.stdin, a
 * server's sockets), so this sets the field every Readable has had since
 * Node 0.10; a stream without it is left alone (paced, just not as cheaply).
 */
export function lowerReadAhead(input: NodeJS.ReadableStream): void {
  // Only streams over an OS handle (sockets, pipes): a stream fed by
  // JavaScript (a PassThrough, a worker's port) may take a low mark as a
  // request to produce less.
  if (!('_handle' in input)) return;
  const state = (input as unknown as ReadableInternals)._readableState;
  if (state !== undefined && typeof state.highWaterMark === 'number') state.highWaterMark = 1;
}
