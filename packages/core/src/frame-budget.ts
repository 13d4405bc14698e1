/**
 * The bytes every connection of one thread holds in partially received
 * frames, against one limit. A frame may be up to maxMessageSize, and each
 * connection may hold one incomplete: without a shared bound, many peers
 * each sending most of a large frame (and never the rest) can take a server
 * far past its memory.
 */

/** Default of `maxPartialFramesSize`: 128 MiB (two messages of the default maxMessageSize). */
export const DEFAULT_MAX_PARTIAL_FRAMES_SIZE = 128 * 1024 * 1024;
/** Default of `frameTimeoutMs`: a frame that stops arriving for 30 s is abandoned. */
export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;

export class FrameBudget {
  /** Bytes held now, summed over every agent sharing this budget. */
  used = 0;

  constructor(readonly limit: number = DEFAULT_MAX_PARTIAL_FRAMES_SIZE) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`maxPartialFramesSize must be an integer number of bytes >= 1, got ${String(limit)}`);
    }
  }
}
