import { ProtocolError } from './errors';

/** Receives one frame body: buf[start, end), which starts at byte `offset` of the stream. */
export type FrameSink = (buf: Uint8Array, start: number, end: number, offset: number) => void;

/** Default largest accepted message body: 64 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

export interface FrameDecoderOptions {
  /** Largest accepted body in bytes (default 64 MiB). A larger declared length is an error. */
  maxMessageSize?: number;
}

/**
 * Splits a byte stream into message bodies: each frame is uvarint(length)
 * followed by that many bytes. Chunks may split a frame anywhere and may hold
 * many frames.
 *
 * Cost is linear in the input: a frame that lies inside one chunk is returned
 * as a subarray of that chunk (no copy); only frames split across chunks are
 * copied, once, when complete. Returned frames alias the chunks they came
 * from, so chunks must not be modified after being pushed.
 *
 * After a ProtocolError the decoder is unusable: every later call throws the
 * same error.
 */
export class FrameDecoder {
  readonly maxMessageSize: number;
  /** Bytes pushed so far (= stream offset of the next chunk). */
  private received = 0;
  /** Stream offset of the frame being assembled. */
  private frameStart = 0;
  // Length prefix being read across chunks.
  private varintBytes = 0;
  private varintValue = 0;
  // Body being assembled across chunks (bodyLength < 0: none).
  private bodyLength = -1;
  private bodyCollected = 0;
  private pieces: Uint8Array[] = [];
  private failure: ProtocolError | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`maxMessageSize must be a non-negative integer number of bytes, got ${String(max)}`);
    }
    this.maxMessageSize = max;
  }

  /** Total bytes pushed so far. */
  get bytesReceived(): number {
    return this.received;
  }

  /**
   * Consumes a chunk and returns the bodies of the frames it completes, in
   * order. If `bodyOffsets` is given, the stream offset of each returned
   * body's first byte is appended to it (for error messages).
   *
   * Throws ProtocolError on a framing error, unless frames of this chunk
   * precede the error: those are returned first and the error is thrown by
   * the next call (check `error` to see it at once).
   */
  push(chunk: Uint8Array, bodyOffsets?: number[]): Uint8Array[] {
    if (this.failure !== null) throw this.failure;
    const out: Uint8Array[] = [];
    try {
      this.feed(chunk, (buf, start, end, offset) => {
        out.push(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
        if (bodyOffsets !== undefined) bodyOffsets.push(offset);
      });
    } catch (err) {
      // Frames completed before the error are still delivered (nothing
      // valid is lost); the error is then thrown by the next call and is
      // visible in `error` right away.
      if (out.length === 0 || !(err instanceof ProtocolError)) throw err;
    }
    return out;
  }

  /** Body bytes held for the frame being assembled (0 between frames). */
  get partialBytes(): number {
    return this.bodyLength >= 0 ? this.bodyCollected : 0;
  }

  /** A frame (its length prefix or its body) has begun and not yet completed. */
  get inFrame(): boolean {
    return this.bodyLength >= 0 || this.varintBytes > 0;
  }

  /**
   * Drops the frame being assembled (its bytes are released): for a reader
   * that gives up on this input. Nothing can be pushed after.
   */
  abandon(): void {
    this.pieces = [];
    if (this.failure === null) {
      this.failure = new ProtocolError('ERR_TRUNCATED_FRAME', 'the reader abandoned this input', this.frameStart);
    }
  }

  /** The framing error that broke this decoder, if any. */
  get error(): ProtocolError | null {
    return this.failure;
  }

  /**
   * Like push, but hands each body to `onFrame` as a range of a buffer (no
   * subarray, no array): the Agent's hot path. A ProtocolError is thrown
   * after the frames preceding it were delivered.
   */
  feed(chunk: Uint8Array, onFrame: FrameSink): void {
    if (this.failure !== null) throw this.failure;
    const n = chunk.length;
    const base = this.received;
    this.received = base + n;
    let i = 0;

    if (this.bodyLength >= 0) {
      // Continue a body started in an earlier chunk.
      const take = Math.min(n, this.bodyLength - this.bodyCollected);
      if (take > 0) this.pieces.push(chunk.subarray(0, take));
      this.bodyCollected += take;
      i = take;
      if (this.bodyCollected < this.bodyLength) return;
      const body = concat(this.pieces, this.bodyLength);
      const length = this.bodyLength;
      this.pieces = [];
      this.bodyLength = -1;
      onFrame(body, 0, length, base + i - length);
    }

    const max = this.maxMessageSize;
    while (i < n) {
      let len: number;
      const b = chunk[i];
      if (this.varintBytes === 0 && b < 0x80) {
        // One-byte length prefix: the common case.
        this.frameStart = base + i;
        len = b;
        i++;
      } else if (this.varintBytes === 0 && i + 1 < n && chunk[i + 1] < 0x80) {
        // Two-byte prefix inside the chunk (bodies of 128 B..16 KiB).
        this.frameStart = base + i;
        len = (b & 0x7f) | (chunk[i + 1] << 7);
        i += 2;
      } else if (this.varintBytes === 0 && i + 2 < n && chunk[i + 2] < 0x80) {
        this.frameStart = base + i;
        len = (b & 0x7f) | ((chunk[i + 1] & 0x7f) << 7) | (chunk[i + 2] << 14);
        i += 3;
      } else {
        if (this.varintBytes === 0) this.frameStart = base + i;
        let done = false;
        while (i < n) {
          const c = chunk[i++];
          if (this.varintBytes === 10)
            this.fail(
              new ProtocolError(
                'ERR_VARINT_TOO_LONG',
                `frame length prefix at byte ${this.frameStart} of the input is longer than 10 bytes: ` +
                  'the input is not a stream of length-prefixed protobuf messages (or is out of sync)',
                this.frameStart,
              ),
            );
          this.varintValue += (c & 0x7f) * POW128[this.varintBytes];
          this.varintBytes++;
          if (c < 0x80) {
            done = true;
            break;
          }
        }
        if (!done) return; // the prefix continues in the next chunk
        len = this.varintValue;
        this.varintBytes = 0;
        this.varintValue = 0;
      }
      if (len > max) {
        this.fail(
          new ProtocolError(
            'ERR_FRAME_TOO_LARGE',
            `frame at byte ${this.frameStart} of the input declares a ${len}-byte message, more than maxMessageSize ` +
              `(${max} bytes): raise maxMessageSize if such messages are expected, otherwise the input is corrupt`,
            this.frameStart,
          ),
        );
      }
      if (n - i >= len) {
        const start = i;
        i += len;
        onFrame(chunk, start, i, base + start);
      } else {
        this.bodyLength = len;
        this.bodyCollected = n - i;
        if (i < n) this.pieces.push(chunk.subarray(i));
        i = n;
      }
    }
  }

  /**
   * Declares the end of input. Throws ProtocolError (ERR_TRUNCATED_FRAME)
   * when the input stopped in the middle of a frame.
   */
  end(): void {
    if (this.failure !== null) throw this.failure;
    if (this.varintBytes > 0) {
      this.fail(
        new ProtocolError(
          'ERR_TRUNCATED_FRAME',
          `input ended at byte ${this.received} inside the length prefix of the frame starting at byte ${this.frameStart}: ` +
            'the sender stopped in the middle of a message',
          this.frameStart,
        ),
      );
    }
    if (this.bodyLength >= 0) {
      this.fail(
        new ProtocolError(
          'ERR_TRUNCATED_FRAME',
          `input ended at byte ${this.received} in the middle of the frame starting at byte ${this.frameStart}: ` +
            `it declares ${this.bodyLength} bytes of message but only ${this.bodyCollected} arrived`,
          this.frameStart,
        ),
      );
    }
  }

  private fail(err: ProtocolError): never {
    this.failure = err;
    this.pieces = [];
    throw err;
  }
}

const POW128 = Array.from({ length: 10 }, (_, i) => 128 ** i);

function concat(pieces: Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const out = Buffer.allocUnsafe(length);
  let pos = 0;
  for (const p of pieces) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
