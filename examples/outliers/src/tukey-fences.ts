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
export function tukeyFences(sorted: readonly number[], scale: number): Fences | undefined {
  const n = sorted.length;
  const m = Math.floor(n / 2);
  const lowerHalf = sorted.slice(0, n % 2 === 0 ? m + 1 : m);
  const upperHalf = sorted.slice(m + 1);
  if (lowerHalf.length === 0 || upperHalf.length === 0) return undefined;
  const q1 = median(lowerHalf);
  const q3 = median(upperHalf);
  const iqr = q3 - q1;
  return { lower: q1 - scale * iqr, upper: q3 + scale * iqr };
}

/** The middle value, or the mean of the two middle values of an even-length list. */
function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
