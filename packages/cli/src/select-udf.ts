import type { Discovery, FoundUdf } from './discover';
import { DuplicateUdfError, UnknownUdfError } from './errors';

/**
 * Picks the UDF the user named, by `@Udf` name or class name. The same class
 * reached through two sources (re-exported, or a workspace link) is one UDF;
 * two different classes answering to the name are an error.
 */
export function selectUdf(discovery: Discovery, requested: string): FoundUdf {
  const matches = discovery.udfs.filter((u) => u.name === requested || u.className === requested);
  const distinct = uniqueByClass(matches);
  if (distinct.length === 1) return distinct[0];
  if (distinct.length > 1) throw new DuplicateUdfError(requested, distinct.map(describeSource));

  const names = [...new Set(discovery.udfs.map((u) => u.name))].sort();
  const candidates = [...new Set(discovery.udfs.flatMap((u) => [u.name, u.className]))];
  throw new UnknownUdfError(requested, names, closest(requested, candidates), discovery.searched, discovery.failures);
}

export function describeSource(udf: FoundUdf): string {
  const exported = udf.exportName === 'module.exports' ? 'module.exports' : `export "${udf.exportName}"`;
  return `class ${udf.className} (${exported} of ${udf.file}, from ${udf.origin})`;
}

function uniqueByClass(udfs: FoundUdf[]): FoundUdf[] {
  const seen = new Set<unknown>();
  return udfs.filter((u) => (seen.has(u.cls) ? false : (seen.add(u.cls), true)));
}

/** The candidate nearest to `word` (case-insensitive edit distance), if near enough to be a likely typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  const contains = best.toLowerCase().includes(lower) || lower.includes(best.toLowerCase());
  return bestDistance <= limit || contains ? best : undefined;
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
