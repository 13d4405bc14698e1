/**
 * "Did you mean ...?" for names a user typed: the UDF name given to
 * `udf-run`, an option name in a TICKscript. One rule everywhere, so the same
 * typo gets the same suggestion.
 */

/**
 * The candidate nearest to `word` (case-insensitive edit distance) among those
 * near enough to be a likely typo: within a third of the length (at least 2
 * edits), or containing / contained in `word`.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const lengthGap = Math.abs(other.length - lower.length);
    const limit = Math.max(2, Math.floor(Math.max(lower.length, other.length) / 3));
    let distance: number;
    if (other.includes(lower) || lower.includes(other)) {
      distance = lengthGap; // exactly the edit distance when one contains the other
    } else if (lengthGap > limit) {
      continue; // at least lengthGap edits: too far, and not worth computing (a name may be huge)
    } else {
      distance = editDistance(lower, other);
      if (distance > limit) continue;
    }
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
