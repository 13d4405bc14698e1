import { RESPONSE_FIELDS, responseTag, writeResponseContent } from './codec';
import { writeBeginBatch, writeEndBatch, writePoint } from './encode-data';
import type { NodeBuffer } from './node-buffer';
import type { BeginBatch, EndBatch, Point, Response } from './protocol/udf';
import { LEN, tagOf } from './wire-reader';
import { varintSize, WireWriter, writeUvarintAt } from './wire-writer';

const POINT_TAG = tagOf(RESPONSE_FIELDS.point, LEN);
const BEGIN_TAG = tagOf(RESPONSE_FIELDS.begin, LEN);
const END_TAG = tagOf(RESPONSE_FIELDS.end, LEN);

export interface FrameWriterOptions {
  /** Size of the buffers frames are encoded into, and of a typical write (default 64 KiB). */
  chunkSize?: number;
  /**
   * Shortest time between two writes to the output while frames keep coming,
   * in ms (default 1; 0 = write on every tick). A frame produced when the
   * last write is at least this old is written on the same tick (a lone point
   * is answered at once); one produced sooner waits until this long after
   * the last write, with everything produced meanwhile, unless a whole chunk
   * is ready first. See WRITE_INTERVAL_MS.
   */
  minWriteIntervalMs?: number;
  /** Called when output.write() returned false. */
  onBlocked?: () => void;
  /** Called when the output drained after a write returned false. */
  onDrain?: () => void;
}

/**
 * Default shortest time between two writes under sustained load. Kapacitor
 * sends one point at a time, so at tens of thousands of points a second the
 * UDF wakes up for a point or two each time; writing on every tick then
 * costs a write system call (and Node's per-write work, and a wake-up of
 * Kapacitor's reading goroutine) for every few points. Holding output for
 * up to 1 ms while frames keep coming caps that at 1,000 writes a second
 * (0.02 a point at 50k points/s), and never delays a point that arrives
 * after a quiet millisecond: Kapacitor's round trip for a lone point is
 * unchanged. Kapacitor reads responses on their own goroutine and has no
 * deadline shorter than its keepalive timeout (seconds), so 1 ms is invisible to it.
 */
export const WRITE_INTERVAL_MS = 1;

/**
 * Encodes framed Responses straight into large buffers and hands them to the
 * output stream in few, big writes: frames written during one tick are
 * coalesced and written on the next tick, or, when the last write was less
 * than minWriteIntervalMs ago, when that interval is over (or as soon as a
 * chunk is full).
 *
 * `blocked` is true after output.write() returned false, until 'drain':
 * the Agent stops reading its input meanwhile, which bounds memory.
 */
export class FrameWriter extends WireWriter {
  private readonly output: NodeJS.WritableStream;
  private readonly onDrain: () => void;
  private readonly onBlocked: () => void;
  /** Start of the bytes of `buf` not yet handed to the output. */
  private outStart = 0;
  /** Full regions of earlier buffers waiting for the next flush. */
  private retired: Buffer[] = [];
  private retiredBytes = 0;
  private flushScheduled = false;
  private readonly minWriteInterval: number;
  /** performance.now() of the last write to the output (-Infinity: none yet). */
  private lastWriteAt = -Infinity;
  /** Timer holding the pending bytes until minWriteInterval after the last write. */
  private holdTimer: NodeJS.Timeout | null = null;
  private holding = false;
  /** Prefix length (frame length + tag + message length) of the last frame: the guess for the next. */
  private lastPrefix = 5;
  private closed = false;
  blocked = false;
  /** Bytes handed to output.write() in total. */
  bytesWritten = 0;

  constructor(output: NodeJS.WritableStream, options: FrameWriterOptions = {}) {
    super(options.chunkSize ?? 64 * 1024);
    const interval = options.minWriteIntervalMs ?? WRITE_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(`minWriteIntervalMs must be a number of milliseconds >= 0, got ${String(interval)}`);
    }
    this.minWriteInterval = interval;
    this.output = output;
    this.onDrain = options.onDrain ?? (() => undefined);
    this.onBlocked = options.onBlocked ?? (() => undefined);
    this.flushNow = this.flushNow.bind(this);
    this.onTick = this.onTick.bind(this);
    this.onHoldEnd = this.onHoldEnd.bind(this);
    this.drained = this.drained.bind(this);
  }

  /** Bytes encoded but not yet handed to the output stream. */
  get pendingBytes(): number {
    return this.retiredBytes + (this.pos - this.outStart);
  }

  /** Encodes one framed Response. Throws (writing nothing) on an invalid message. */
  writeResponse(msg: Response): void {
    const tag = responseTag(msg);
    this.frame(tag, msg, writeResponseContent);
  }

  writePoint(p: Point): void {
    this.frame(POINT_TAG, p, writePoint);
  }

  writeBeginBatch(b: BeginBatch): void {
    this.frame(BEGIN_TAG, b, writeBeginBatch);
  }

  writeEndBatch(e: EndBatch): void {
    this.frame(END_TAG, e, writeEndBatch);
  }

  private frame<T>(tag: number, msg: T, writeContent: (w: WireWriter, msg: T) => void): void {
    if (this.closed) throw new Error('FrameWriter is closed');
    if (this.buf.length - this.pos < 1024) this.freshBuffer();
    const start = this.pos;
    this.keepFrom = start;
    // Write the message after room for its prefix, guessing the prefix is as
    // long as last time's; if not, move the message (rare: the size class changed).
    const reserved = this.lastPrefix;
    this.ensure(reserved);
    this.pos = start + reserved;
    try {
      writeContent(this, msg);
    } catch (err) {
      this.pos = start;
      throw err;
    }
    const len = this.pos - start - reserved;
    const tagSize = tag < 0x80 ? 1 : 2;
    const lenSize = varintSize(len);
    const bodyLen = tagSize + lenSize + len;
    const prefix = varintSize(bodyLen) + tagSize + lenSize;
    if (prefix !== reserved) {
      if (prefix > reserved) this.ensure(prefix - reserved);
      this.buf.copyWithin(start + prefix, start + reserved, this.pos);
      this.pos += prefix - reserved;
      this.lastPrefix = prefix;
    }
    const buf = this.buf;
    let p = writeUvarintAt(buf, start, bodyLen);
    p = writeUvarintAt(buf, p, tag);
    writeUvarintAt(buf, p, len);
    this.keepFrom = this.pos;

    if (this.pendingBytes >= this.chunkSize) this.flushNow();
    else if (!this.flushScheduled && !this.holding) {
      this.flushScheduled = true;
      process.nextTick(this.onTick);
    }
  }

  /** End of the tick that produced frames: write them now, or hold them until the interval is over. */
  private onTick(): void {
    this.flushScheduled = false;
    if (this.closed || this.holding) return;
    const wait = this.minWriteInterval - (performance.now() - this.lastWriteAt);
    if (wait <= 0) {
      this.flushNow();
      return;
    }
    this.holding = true;
    // One timer object, re-armed from now for the whole interval: Node's
    // timers have 1 ms granularity, so a shorter remainder would not fire
    // sooner anyway. A hold ended early by flush() leaves the timer armed;
    // it then finds nothing held and does nothing.
    if (this.holdTimer === null) this.holdTimer = setTimeout(this.onHoldEnd, this.minWriteInterval);
    else this.holdTimer.refresh();
  }

  private onHoldEnd(): void {
    if (!this.holding) return;
    this.holding = false;
    this.flushNow();
  }

  protected override onGrow(old: NodeBuffer): void {
    if (this.keepFrom > this.outStart) this.retire(old.subarray(this.outStart, this.keepFrom));
    this.outStart = this.keepFrom;
  }

  private freshBuffer(): void {
    if (this.pos > this.outStart) this.retire(this.buf.subarray(this.outStart, this.pos));
    this.buf = Buffer.allocUnsafe(this.chunkSize) as NodeBuffer;
    this.pos = 0;
    this.outStart = 0;
    this.keepFrom = 0;
  }

  private retire(chunk: Buffer): void {
    this.retired.push(chunk);
    this.retiredBytes += chunk.length;
  }

  /** Hands every pending byte to the output now. Returns false if the output asked to wait for 'drain'. */
  flush(): boolean {
    this.flushNow();
    return !this.blocked;
  }

  private flushNow(): void {
    this.flushScheduled = false;
    this.holding = false;
    if (this.closed) return;
    if (this.pendingBytes > 0) this.lastWriteAt = performance.now();
    let ok = true;
    if (this.retired.length > 0) {
      for (const chunk of this.retired) ok = this.output.write(chunk) && ok;
      this.bytesWritten += this.retiredBytes;
      this.retired = [];
      this.retiredBytes = 0;
    }
    if (this.pos > this.outStart) {
      // The stream now owns these bytes: never write into them again.
      ok = this.output.write(this.buf.subarray(this.outStart, this.pos)) && ok;
      this.bytesWritten += this.pos - this.outStart;
      this.outStart = this.pos;
      this.keepFrom = this.pos;
    }
    if (!ok && !this.blocked) {
      this.blocked = true;
      this.output.once('drain', this.drained);
      this.onBlocked();
    }
  }

  private drained(): void {
    this.blocked = false;
    this.onDrain();
  }

  /** Stops writing: pending bytes are dropped (used when the output failed). */
  close(): void {
    this.closed = true;
    this.holding = false;
    // A timer still armed must not keep the process alive after the end.
    this.holdTimer?.unref();
    this.retired = [];
    this.retiredBytes = 0;
    this.outStart = this.pos;
    this.output.removeListener('drain', this.drained);
  }
}
