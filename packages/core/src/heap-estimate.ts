/**
 * Estimates of the heap bytes a decoded request holds, for the retained
 * memory budget (memory-budget.ts). The wire size is a poor guide: a point of
 * a few small fields takes 6 to 8 times its wire bytes on the heap, a point
 * of long strings about 1.1 times.
 *
 * Calibration (Node 20, x64, pointer compression off; decoding with core's
 * own decoder, holding N decoded points in an array, heapUsed after two
 * forced GCs minus before, divided by N; N = 50,000 to 100,000):
 *
 *   shape of the point                     wire B   heap B  heap/wire
 *   no tags, no fields                         29      233     8.1
 *   1 int field                                39      288     7.4
 *   1 tag (8-char, unique), 1 double, 1 int    72      414     5.8
 *   10 int fields                             128      568     4.4
 *   40 int fields                             458    2,787     6.1
 *   10 double fields                          180      488     2.7
 *   40 double fields                          660    2,297     3.5
 *   5 tags (12-char values, unique)           140      419     3.0
 *   20 tags (12-char values, unique)          480    1,059     2.2
 *   10 string fields of 200 chars           2,130    2,448     1.15
 *   2 string fields of 1,000 chars          2,050    2,253     1.1
 *
 * So: about 240 bytes of base (the Point, its five maps, its dimensions
 * array), 25 to 40 bytes per map entry while a map is small and 50 to 65
 * once it has more than ~16 entries (V8 turns it into a hash table), plus a
 * string's characters (one byte each, two if any is beyond U+00FF). The
 * estimate below rounds each of these up, so that it errs on the side of
 * counting more: it is within +0% / +60% of the measurement for field-heavy
 * points and up to 2.2x for tag-heavy ones (short strings decoded from
 * repeated bytes are shared, which it does not know).
 *
 * Cost: one pass over the point's keys; only points that are kept (queued,
 * collected into a batch) are measured, never the streaming hot path.
 */
import type { Point, Request } from './protocol/udf';

/** The Point object, its five maps, dimensions array, and its slot in whatever array holds it. */
const POINT_BASE = 280;
/** One map entry (property slot, number or bigint value) while the map is small. */
const ENTRY = 40;
/** Extra per entry once a map has more than DICTIONARY_ENTRIES (a hash table). */
const DICTIONARY_EXTRA = 32;
const DICTIONARY_ENTRIES = 16;
/** A string's header. */
const STRING_HEADER = 16;
/** Strings shorter than this are counted one byte a character without looking (the error is a few bytes). */
const CHECK_WIDE_FROM = 32;
const WIDE = /[\u0100-\uffff]/;

/** Heap bytes of a string: header plus one byte a character, two when any character is beyond U+00FF. */
export function estimateStringHeapBytes(s: string): number {
  const n = s.length;
  if (n >= CHECK_WIDE_FROM && WIDE.test(s)) return STRING_HEADER + 2 * n;
  return STRING_HEADER + n;
}

function mapBytes(map: Record<string, unknown>, strings: boolean): number {
  let bytes = 0;
  let n = 0;
  for (const key in map) {
    n++;
    bytes += ENTRY + key.length;
    if (strings) bytes += estimateStringHeapBytes(map[key] as string);
  }
  if (n > DICTIONARY_ENTRIES) bytes += n * DICTIONARY_EXTRA;
  return bytes;
}

/** Estimated heap bytes of a decoded point (see the calibration above). */
export function estimatePointHeapBytes(point: Point): number {
  let bytes = POINT_BASE + point.name.length + point.group.length + point.database.length + point.retentionPolicy.length;
  bytes += mapBytes(point.tags, true);
  bytes += mapBytes(point.fieldsDouble, false);
  bytes += mapBytes(point.fieldsInt, false);
  bytes += mapBytes(point.fieldsString, true);
  bytes += mapBytes(point.fieldsBool, false);
  for (const d of point.dimensions) bytes += 8 + estimateStringHeapBytes(d);
  return bytes;
}

/** What a non-point request is counted: its wire bytes twice over (strings, copies) plus its objects. */
const OTHER_BASE = 256;

/** Estimated heap bytes of a decoded request of `wireBytes` bytes. */
export function estimateRequestHeapBytes(request: Request, wireBytes: number): number {
  const m = request.message;
  if (m?.$case === 'point') return estimatePointHeapBytes(m.value);
  return OTHER_BASE + 2 * wireBytes;
}
