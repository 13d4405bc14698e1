/**
 * Points of one series repeat the same bytes, point after point, for
 * everything between their time and their fields: name, database, retention
 * policy, group, dimensions and tags (fields 2 to 7, in that order as every
 * encoder writes them). Decoding those ~15 short strings and building the
 * tags map again for every point is most of the cost of a point.
 *
 * This cache maps those bytes (the "head" of a point) to what they decode
 * to. A hit is confirmed by comparing every byte, so a cached head is
 * exactly what decoding the bytes would give; the decoder then hands each
 * point its own copy of the mutable parts (tags map, dimensions array), so
 * points never share state a handler could change.
 */

import { sameBytes } from './same-bytes';
import { LEN, tagOf } from './wire-reader';

/** Tags of Point fields 2 (name) and 7 (tags), length-delimited: a head is the fields between. */
const FIRST_HEAD_TAG = tagOf(2, LEN);
const LAST_HEAD_TAG = tagOf(7, LEN);
/** LEN as a local const (an imported binding is a property load in CommonJS: not in the loop). */
const HEAD_WIRE_TYPE = LEN;

/** What the head bytes of a point decode to. Never handed out: copied per point. */
export interface SeriesHead {
  readonly name: string;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly group: string;
  readonly dimensions: readonly string[];
  readonly tags: { readonly [key: string]: string };
  /** The tags' keys and values in the order a for-in lists them (for matching on the way out). */
  readonly tagKeys: readonly string[];
  readonly tagValues: readonly string[];
  /**
   * What the encoder writes for these values (tags in Go order, whatever
   * order the head's own bytes had). A point going out with this very head
   * is written by copying them.
   */
  readonly canonical: Uint8Array | undefined;
  /** Entries (fields) of the head's bytes, counted against maxMessageEntries at every use. */
  readonly entries: number;
}

/** See lastSeriesHead(). */
let lastHead: SeriesHead | undefined;

/**
 * The head of the last point decoded. UDFs mostly send back points of the
 * series they just received (the same strings, often the same objects), so
 * the encoder tries this head first.
 */
export function lastSeriesHead(): SeriesHead | undefined {
  return lastHead;
}

// Two-way set-associative, like the string cache in wire-reader.ts: a set is
// chosen by a hash of every byte, a hit is confirmed byte by byte, a miss
// goes in way 0 and moves way 0 to way 1. 16,384 heads of up to 256 bytes
// (4 MiB): tasks with more distinct series than that still decode correctly,
// without the shortcut (see the pause below).
const SLOT_BITS = 14;
const SLOTS = 1 << SLOT_BITS;
/** Longest head that is cached (longer ones are decoded every time). */
export const MAX_HEAD_BYTES = 256;
/** Shortest head worth a lookup. */
export const MIN_HEAD_BYTES = 8;

const heads: (SeriesHead | undefined)[] = new Array<SeriesHead | undefined>(SLOTS).fill(undefined);
const lengths = new Int32Array(SLOTS); // 0 = empty slot
const store = new Uint8Array(SLOTS * MAX_HEAD_BYTES);
const storeView = new DataView(store.buffer);

/*
 * A task with far more series than the cache holds would evict a head at
 * almost every point, and a miss costs more than plain decoding (the head is
 * decoded, checked, copied, and later evicted as old-generation garbage).
 * So evictions are counted over windows of lookups: after a window in which
 * more than a quarter of the lookups evicted a head, lookups are skipped
 * (points are decoded the plain way) for a while, then tried again; the
 * pause doubles after every window that still thrashes and starts over
 * after one that does not. Filling the cache (misses without evictions)
 * never pauses it.
 */
const WINDOW = 256;
const MAX_EVICTIONS = 64;
const MIN_PAUSE = 4096;
const MAX_PAUSE = 1 << 18;
let windowLookups = 0;
let windowEvictions = 0;
let pause = MIN_PAUSE;
/** Points left to decode without the cache. */
let bypassLeft = 0;

/** True when the cache is paused for this point (see above). */
export function bypassingHeads(): boolean {
  if (bypassLeft === 0) return false;
  bypassLeft--;
  return true;
}

function countLookup(): void {
  if (++windowLookups < WINDOW) return;
  if (windowEvictions > MAX_EVICTIONS) {
    bypassLeft = pause;
    pause = Math.min(pause * 2, MAX_PAUSE);
  } else {
    pause = MIN_PAUSE;
  }
  windowLookups = 0;
  windowEvictions = 0;
}

/** Empties the cache (through forgetCaches() in hot-path.ts). */
export function forgetHeads(): void {
  heads.fill(undefined);
  lengths.fill(0);
  lastHead = undefined;
  lastSlot = -1;
  repeating = false;
  recentCount = 0;
  recentNext = 0;
  windowLookups = 0;
  windowEvictions = 0;
  pause = MIN_PAUSE;
  bypassLeft = 0;
}

/**
 * When the point's head at bytes[start..] is one of the recently found heads
 * again (checked only while points keep repeating recent heads), returns
 * where it ends, having made it lastHead; otherwise -1.
 */
export function repeatedHead(bytes: Uint8Array, view: DataView, start: number, limit: number): number {
  if (!repeating) return -1;
  // The previous point's head first (sorted frames repeat it exactly), then
  // the other recent ones (Kapacitor's frames: the same series in another
  // tag order).
  if (sameHeadAt(lastSlot, bytes, view, start, limit)) return start + lengths[lastSlot];
  for (let k = 0; k < recentCount; k++) {
    const slot = recent[k];
    if (slot !== lastSlot && sameHeadAt(slot, bytes, view, start, limit)) {
      lastSlot = slot;
      lastHead = heads[slot];
      return start + lengths[slot];
    }
  }
  repeating = false;
  return -1;
}

/** True when the head in `slot` is the head at bytes[start..]: the same bytes, and the head ends there too. */
function sameHeadAt(slot: number, bytes: Uint8Array, view: DataView, start: number, limit: number): boolean {
  const n = lengths[slot];
  const stop = start + n;
  return n !== 0 && stop <= limit && sameBytesFromEnd(slot * MAX_HEAD_BYTES, view, start, n) && headEnd(bytes, stop, limit) === stop;
}

/**
 * sameBytes() (every byte compared) from the last bytes backwards: the heads
 * of one series in other tag orders differ in their tags, which come last,
 * so a wrong candidate is told apart in a step or two instead of after the
 * ~70 bytes of name, database, retention policy, group and dimensions.
 */
function sameBytesFromEnd(at: number, b: DataView, start: number, n: number): boolean {
  let i = n;
  for (; i >= 4; i -= 4) if (storeView.getInt32(at + i - 4, true) !== b.getInt32(start + i - 4, true)) return false;
  for (; i > 0; i--) if (storeView.getUint8(at + i - 1) !== b.getUint8(start + i - 1)) return false;
  return true;
}

/** Set of the last lookup (so remember() does not hash again). */
let lastSet = 0;
/** Slot of lastHead (-1: none). */
let lastSlot = -1;
/**
 * True while points repeat recently found heads (the points of a batch do:
 * one series, whose tags Kapacitor marshals in a random order, so up to n!
 * byte orders of one head): the next point is then first compared with
 * those heads, without hashing. Set when a lookup finds one of them again,
 * cleared by the first point that matches none, so streams that interleave
 * many series rarely pay for it.
 */
let repeating = false;
/**
 * Slots of the last RECENT distinct heads found or stored (a ring). A slot's
 * head may have changed since (evicted to the other way, or replaced): a
 * candidate is only ever taken after comparing every byte, so a stale entry
 * costs a comparison, never a wrong head.
 */
const RECENT = 8;
const recent = new Int32Array(RECENT);
let recentCount = 0;
let recentNext = 0;

/** Notes `slot` as recently found; returns whether it already was. */
function noteRecent(slot: number): boolean {
  for (let k = 0; k < recentCount; k++) if (recent[k] === slot) return true;
  recent[recentNext] = slot;
  recentNext = (recentNext + 1) % RECENT;
  if (recentCount < RECENT) recentCount++;
  return false;
}

/**
 * The cached head for bytes[start, end), or undefined. `view` is a DataView
 * over the same bytes as `bytes`. end - start must be in
 * [MIN_HEAD_BYTES, MAX_HEAD_BYTES].
 */
export function lookupHead(bytes: Uint8Array, view: DataView, start: number, end: number): SeriesHead | undefined {
  const n = end - start;
  // Two independent multiply chains, 8 bytes a step (half the latency of
  // one chain); the final mix spreads every input bit into the top bits
  // that pick the set.
  let h1 = n;
  let h2 = 0x9e3779b9;
  let i = start;
  for (const end8 = end - 7; i < end8; i += 8) {
    h1 = Math.imul(h1 ^ view.getInt32(i, true), 0x01000193);
    h2 = Math.imul(h2 ^ view.getInt32(i + 4, true), 0x01000193);
  }
  for (; i < end; i++) h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
  let h = h1 ^ Math.imul(h2 ^ (h2 >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x9e3779b1);
  h ^= h >>> 13;
  const slot = (h >>> (32 - SLOT_BITS)) & ~1;
  lastSet = slot;
  let found = -1;
  if (lengths[slot] === n && sameBytes(storeView, slot * MAX_HEAD_BYTES, view, start, n)) found = slot;
  else if (lengths[slot + 1] === n && sameBytes(storeView, (slot + 1) * MAX_HEAD_BYTES, view, start, n)) found = slot + 1;
  countLookup();
  if (found < 0) return undefined;
  repeating = noteRecent(found);
  lastSlot = found;
  return (lastHead = heads[found]);
}

/** Stores `head` for bytes[start, end), which the last lookupHead() call missed. */
export function rememberHead(bytes: Uint8Array, start: number, end: number, head: SeriesHead): void {
  const slot = lastSet;
  if (lengths[slot + 1] !== 0) windowEvictions++;
  const way0 = slot * MAX_HEAD_BYTES;
  const n = end - start;
  store.copyWithin(way0 + MAX_HEAD_BYTES, way0, way0 + lengths[slot]);
  lengths[slot + 1] = lengths[slot];
  heads[slot + 1] = heads[slot];
  store.set(bytes.subarray(start, end), way0);
  lengths[slot] = n;
  heads[slot] = head;
  lastHead = head;
  lastSlot = slot;
  noteRecent(slot);
  repeating = false;
}

/**
 * End of the head that starts at `start`: the run of fields 2..7 (all
 * length-delimited) whose lengths fit one byte. Returns `start` when there
 * is none. Only the layout is checked here; the bytes are decoded (and fully
 * validated) the first time they are seen.
 */
export function headEnd(bytes: Uint8Array, start: number, limit: number): number {
  let p = start;
  while (p + 1 < limit) {
    const tag = bytes[p];
    // A length-delimited field 2..7 (tags 18, 26, .. 58: one byte each).
    if (tag < FIRST_HEAD_TAG || tag > LAST_HEAD_TAG || (tag & 7) !== HEAD_WIRE_TYPE) break;
    const len = bytes[p + 1];
    if (len >= 0x80) break;
    const next = p + 2 + len;
    if (next > limit) break;
    p = next;
  }
  return p;
}
