/**
 * The double fields of a stream of points have the same keys point after
 * point (usage_idle, usage_user, ...). For each of the first positions of a
 * point's fieldsDouble, this remembers the key last seen there together with
 * the bytes of its map entry up to the value (entry length, key tag, key
 * length, key, value tag). The decoder then recognises a key by comparing
 * those bytes instead of hashing and looking it up, and the encoder writes a
 * key it recognises by copying them instead of encoding it character by
 * character.
 *
 * Kapacitor writes the entries in a random order (plain proto.Marshal walks
 * a Go map), so a key is looked for at its own position first and then at
 * the others: the same few keys take turns at each position, and
 * remembering whichever came last would forget them in turn.
 *
 * Only ASCII keys are remembered, so the bytes are exactly the UTF-8
 * encoding of the key and the shortcut gives the same bytes both ways.
 */

import { compareUtf8 } from './map-keys';
import { sameBytes } from './same-bytes';

const POSITIONS = 16;
/** Entry length + 0x0a + key length + key + 0x11, for keys of up to 59 bytes. */
const MAX_PREFIX = 64;

const keys: string[] = new Array<string>(POSITIONS).fill('');
/** 0 = nothing remembered at that position. */
const lengths = new Int32Array(POSITIONS);
/** 1 when the keys remembered at i - 1 and i are both there and in Go order. */
const ordered = new Uint8Array(POSITIONS);
const prefixes = new Uint8Array(POSITIONS * MAX_PREFIX);
const prefixView = new DataView(prefixes.buffer);

/**
 * The key remembered at `index` if the n bytes at `start` of `view` are
 * its entry prefix, else undefined.
 */
export function knownDoubleKey(index: number, view: DataView, start: number, n: number): string | undefined {
  if (index < POSITIONS && lengths[index] === n && sameBytes(prefixView, index * MAX_PREFIX, view, start, n)) return keys[index];
  for (let j = 0; j < POSITIONS; j++) {
    if (j !== index && lengths[j] === n && sameBytes(prefixView, j * MAX_PREFIX, view, start, n)) return keys[j];
  }
  return undefined;
}

/** Remembers `key` at `index` with its entry prefix bytes[start, start + n) (ignored unless ASCII and short). */
export function rememberDoubleKey(index: number, key: string, bytes: Uint8Array, start: number, n: number): void {
  if (index >= POSITIONS || n > MAX_PREFIX) return;
  const at = index * MAX_PREFIX;
  for (let i = 0; i < n; i++) {
    const b = bytes[start + i];
    if (b >= 0x80) {
      lengths[index] = 0;
      updateOrder(index);
      updateOrder(index + 1);
      return;
    }
    prefixes[at + i] = b;
  }
  keys[index] = key;
  lengths[index] = n;
  updateOrder(index);
  updateOrder(index + 1);
}

function updateOrder(i: number): void {
  if (i === 0 || i >= POSITIONS) return;
  ordered[i] = lengths[i - 1] !== 0 && lengths[i] !== 0 && compareUtf8(keys[i - 1], keys[i]) < 0 ? 1 : 0;
}

/**
 * True when `prev` and `key` are the keys remembered at index - 1 and index
 * and are known to be in Go order (the encoder then skips comparing them).
 */
export function knownInOrder(index: number, prev: string, key: string): boolean {
  return index < POSITIONS && ordered[index] === 1 && key === keys[index] && prev === keys[index - 1];
}

/**
 * Writes the entry prefix of `key` at buf[pos] if it is the key remembered
 * at `index`; returns the position after it, or -1 (nothing written).
 * buf must have MAX_PREFIX bytes of room at pos.
 */
export function writeKnownDoubleKey(index: number, key: string, buf: Uint8Array, view: DataView, pos: number): number {
  let j = index;
  if (j >= POSITIONS || lengths[j] === 0 || key !== keys[j]) {
    for (j = 0; j < POSITIONS; j++) if (lengths[j] !== 0 && key === keys[j]) break;
    if (j === POSITIONS) return -1;
  }
  const n = lengths[j];
  const at = j * MAX_PREFIX;
  let i = 0;
  for (; i + 4 <= n; i += 4) view.setInt32(pos + i, prefixView.getInt32(at + i, true), true);
  for (; i < n; i++) buf[pos + i] = prefixes[at + i];
  return pos + n;
}

/**
 * Moves remembered keys to the positions they have in Go order, given a
 * point's double-field keys sorted that way (sorted[0, n)). The decoder finds
 * a key at any position, but the encoder writes maps in Go order and looks at
 * the key's own position first, and knownInOrder() only knows neighbours:
 * with Kapacitor's random entry order the keys were remembered wherever they
 * came first. Costs a string comparison per key once they are in place.
 */
export function placeInGoOrder(sorted: readonly string[], n: number): void {
  const m = n < POSITIONS ? n : POSITIONS;
  for (let i = 0; i < m; i++) {
    const key = sorted[i];
    if (keys[i] === key && lengths[i] !== 0) continue;
    let j = 0;
    while (j < POSITIONS && !(j !== i && lengths[j] !== 0 && keys[j] === key)) j++;
    if (j < POSITIONS) swap(i, j);
  }
}

function swap(i: number, j: number): void {
  const key = keys[i];
  keys[i] = keys[j];
  keys[j] = key;
  const len = lengths[i];
  lengths[i] = lengths[j];
  lengths[j] = len;
  const a = i * MAX_PREFIX;
  const b = j * MAX_PREFIX;
  for (let k = 0; k < MAX_PREFIX; k++) {
    const x = prefixes[a + k];
    prefixes[a + k] = prefixes[b + k];
    prefixes[b + k] = x;
  }
  updateOrder(i);
  updateOrder(i + 1);
  updateOrder(j);
  updateOrder(j + 1);
}

/** Forgets every key (through forgetCaches() in hot-path.ts). */
export function forgetDoubleKeys(): void {
  lengths.fill(0);
  ordered.fill(0);
  keys.fill('');
}

export const DOUBLE_PREFIX_ROOM = MAX_PREFIX;
