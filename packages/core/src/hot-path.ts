/**
 * The hot path's per-thread state, in one place.
 *
 * Points flow by the million, so the codec keeps state between them at
 * module level: caches that turn repeated bytes into already-built values,
 * and scratch objects reused instead of allocated per message. Module state
 * is per thread (every worker_thread loads its own copy of these modules;
 * nothing is in a SharedArrayBuffer), so no locking is needed. Three rules
 * make it safe:
 *
 * 1. Decoding never re-enters. A decode runs to its end without calling
 *    user code (handlers are called with its result, after it returned), so
 *    a scratch object or the state between two calls (series-cache's
 *    lookupHead() then rememberHead()) is used by one decode at a time.
 * 2. Every cache hit is confirmed byte by byte (same-bytes.ts) or value by
 *    value: a hash only chooses where to look. A hit is therefore exactly
 *    what decoding (or encoding) from scratch gives, whatever collides.
 * 3. Nothing a cache holds is handed out where user code could change it:
 *    cached strings are immutable, and a cached series head's mutable parts
 *    (tags map, dimensions array) are copied for every point.
 *
 * Encoding does run user code (getters on the objects it writes). Its caches
 * are only read, and every use re-checks the values it relies on, so a
 * decode inside a getter cannot make it write wrong bytes; the scratch
 * writer of encodeRequest()/encodeResponse() is not shared with such a
 * nested call (codec.ts).
 *
 * Every piece of state, its invariant, and how it is reset:
 *
 * | where | state | invariant | reset |
 * |---|---|---|---|
 * | wire-reader.ts | string cache (`cacheStrings`, `cacheLengths`, `cacheBytes`): 4,096 ASCII strings of up to 40 bytes, two-way set-associative | a slot's string is what its stored (ASCII) bytes decode to; length 0 = empty | forgetStrings() |
 * | series-cache.ts | series heads (`heads`, `lengths`, `store`): 16,384 heads of up to 256 bytes | a head is what decoding its stored bytes gives (tags in Go order, `canonical` = the encoder's bytes for it); length 0 = empty | forgetHeads() |
 * | series-cache.ts | `lastHead` / `lastSlot` (read through lastSeriesHead()), `repeating`, `lastSet` | lastHead is the head of the last point decoded with a cacheable head; `repeating` only lets the next point be compared with it first (still byte by byte); `lastSet` is only read by the rememberHead() that follows a missed lookupHead() | forgetHeads() |
 * | series-cache.ts | thrash guard (`windowLookups`, `windowEvictions`, `pause`, `bypassLeft`) | changes only whether the cache is tried, never a result | forgetHeads() |
 * | field-key-memo.ts | double-field keys (`keys`, `lengths`, `ordered`, `prefixes`) per position 0..15 | `prefixes` are the exact bytes of the ASCII key's map entry up to its value; `ordered[i]` = keys i - 1 and i are both there and in Go order | forgetDoubleKeys() |
 * | decode-data.ts | `scratchKeys` / `scratchValues` | hold one point's double fields during readPoint() only (the readPoint() that decodeHead() runs inside it reads a head, which has no double fields, before the outer one reads any); grow to the most a point had | forgetDoubleScratch() |
 * | decode-data.ts | `headWriter` | used only inside decodeHead(); rewound before each use | nothing to reset |
 * | codec.ts | `sharedReader` | reset at the start of every decode; keeps a reference to the last body decoded until the next decode | nothing to reset |
 * | codec.ts | `scratch` writer, `scratchInUse` | rewound at each encodeRequest()/encodeResponse(), results copied out; an encode started while one runs (from a getter) gets a writer of its own; shrunk after a message over 1 MiB | nothing to reset |
 * | wire-reader.ts, wire-writer.ts | `i64` / `u32` | int64 <-> two 32-bit halves within one call | nothing to reset |
 *
 * Everything else at module level in src/ is a constant or a table filled
 * once at load. Per-connection state (frame decoder, frame writer, read
 * pacer, the Agent's queue) belongs to an Agent, not to the thread.
 */
import { forgetDoubleScratch } from './decode-data';
import { forgetDoubleKeys } from './field-key-memo';
import { forgetHeads } from './series-cache';
import { forgetStrings } from './wire-reader';

/**
 * Empties every cache of the hot path on this thread (see the table above):
 * what is decoded or encoded next is done from scratch. Results never
 * depend on it (rule 2); tests use it for the from-scratch reference that
 * the shortcuts must match. It lets go of the strings and heads the caches
 * keep alive; the fixed-size byte stores (about 4.2 MiB) stay allocated.
 */
export function forgetCaches(): void {
  forgetStrings();
  forgetHeads();
  forgetDoubleKeys();
  forgetDoubleScratch();
}
