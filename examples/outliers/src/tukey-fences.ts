/** The range outside which a value is an outlier. */
export interface Fences {
  lower: number;
  upper: number;
}

/**
 * Tukey's fences Q1 - scale*IQR and Q3 + scale*IQR, with the quartiles taken
 * the way that makes Kapacitor's own batch test (20 values, scale 1.5: five
 * outliers) agree with its reference UDF. With `sorted` of length n and
 * m = floor(n/2):
 * - odd n:  Q1 = median of sorted[0, m),  Q3 = median of sorted(m, n)
 * - even n: Q1 = median of sorted[0, m],  Q3 = median of sorted(m, n)
 * Returns undefined when a half is empty (fewer than 3 values): no value can
 * then be called an outlier.
 */
export function tukeyFences(sorted: ArrayLike<number>, scale: number): Fences | undefined {
  const n = sorted.length;
  const m = Math.floor(n / 2);
  // The halves as index ranges [from, to) of `sorted` (no copies).
  const lowerEnd = n % 2 === 0 ? m + 1 : m;
  const upperStart = m + 1;
  if (lowerEnd === 0 || upperStart >= n) return undefined;
  const q1 = median(sorted, 0, lowerEnd);
  const q3 = median(sorted, upperStart, n);
  const iqr = q3 - q1;
  return { lower: q1 - scale * iqr, upper: q3 + scale * iqr };
}

/** The middle value of sorted[from, to), or the mean of the two middle values of an even-length range. */
function median(sorted: ArrayLike<number>, from: number, to: number): number {
  const len = to - from;
  const mid = from + Math.floor(len / 2);
  return len % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
