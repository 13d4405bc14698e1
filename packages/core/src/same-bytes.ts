/**
 * True when the n bytes at `at` in `a` equal the n bytes at `start` in `b`.
 * Every cache of the hot path (hot-path.ts) confirms a hit with this, so a
 * hit is exactly what decoding the bytes would give, whatever the hash did.
 * Both sides are read through DataViews: 4 bytes a step (TurboFan turns
 * getInt32 into one unaligned load), then the last 0-3 bytes; one receiver
 * type on both sides keeps the loads monomorphic wherever it is inlined.
 */
export function sameBytes(a: DataView, at: number, b: DataView, start: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (a.getInt32(at + i, true) !== b.getInt32(start + i, true)) return false;
  for (; i < n; i++) if (a.getUint8(at + i) !== b.getUint8(start + i)) return false;
  return true;
}
