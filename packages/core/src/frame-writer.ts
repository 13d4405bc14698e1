import { responseTag, writeResponseContent } from './codec';
import { writeBeginBatch, writeEndBatch, writePoint } from './data-messages';
import type { BeginBatch, EndBatch, Point, Response } from './generated/udf';
import type { NodeBuffer } from './node-buffer';
import { varintSize, WireWriter, writeUvarintAt } from './wire-writer';

const POINT_TAG = (17 << 3) | 2;
const BEGIN_TAG = (16 << 3) | 2;
const END_TAG = (18 << 3) | 2;

export interface FrameWriterOptions {
  /** Size of the buffers frames are encoded into, and of a typical write (default 64 KiB). */
  chunkSize?: number;
  /** Called when output.write() returned false. */
  onBlocked?: () => void;
  /** Called when the output drained after a write returned false. */
  onDrain?: () => void;
}

/**
 * Encodes framed Responses straight into large buffers and hands them to the
 * output stream in few, big writes: frames written during one tick are
 * coalesced and written on the next tick (or as soon as a chunk is full).
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
  /** Prefix length (frame length + tag + message length) of the last frame: the guess for the next. */
  private lastPrefix = 5;
  private closed = false;
  blocked = false;
  /** Bytes handed to output.write() in total. */
  bytesWritten = 0;

  constructor(output: NodeJS.WritableStream, options: FrameWriterOptions = {}) {
    super(options.chunkSize ?? 64 * 1024);
    this.output = output;
    this.onDrain = options.onDrain ?? (() => undefined);
    this.onBlocked = options.onBlocked ?? (() => undefined);
    this.flushNow = this.flushNow.bind(this);
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
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushNow);
    }
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
    if (this.closed) return;
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
    this.retired = [];
    this.retiredBytes = 0;
    this.outStart = this.pos;
    this.output.removeListener('drain', this.drained);
  }
}
