import { closest } from '@kapacitor-udf/core/internal';
import type { Discovery, FoundUdf } from './discover';
import { ambiguityAdvice, DuplicateUdfError, UnknownUdfError } from './errors';

/**
 * Picks the UDF the user named, by `@Udf` name or class name. The same class
 * reached through two sources (re-exported, or a workspace link) is one UDF;
 * two different classes answering to the name are an error.
 */
export function selectUdf(discovery: Discovery, requested: string): FoundUdf {
  const matches = discovery.udfs.filter((u) => u.name === requested || u.className === requested);
  const distinct = uniqueByClass(matches);
  if (distinct.length === 1) return distinct[0];
  if (distinct.length > 1) {
    throw new DuplicateUdfError(
      requested,
      distinct.map(describeSource),
      distinct.map((u) => u.file),
    );
  }

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
  return udfs.filter((u) => {
    if (seen.has(u.cls)) return false;
    seen.add(u.cls);
    return true;
  });
}

/** The names that belong to more than one class, each with its classes (as --list marks them). */
export function ambiguousNames(discovery: Discovery): Map<string, FoundUdf[]> {
  const byName = new Map<string, FoundUdf[]>();
  for (const u of discovery.udfs) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
  const ambiguous = new Map<string, FoundUdf[]>();
  for (const [name, udfs] of byName) {
    const distinct = uniqueByClass(udfs);
    if (distinct.length > 1) ambiguous.set(name, distinct);
  }
  return ambiguous;
}

/** --list's lines under the table for the ambiguous names: what to do about each. */
export function ambiguityLines(ambiguous: ReadonlyMap<string, FoundUdf[]>): string[] {
  if (ambiguous.size === 0) return [];
  const lines = [
    '',
    `Ambiguous ${ambiguous.size === 1 ? 'name' : 'names'} (udf-run cannot run ${ambiguous.size === 1 ? 'it' : 'them'} by name):`,
  ];
  for (const [name, udfs] of ambiguous) {
    lines.push(
      `  "${name}": ${ambiguityAdvice(
        name,
        udfs.map((u) => u.file),
      )}`,
    );
  }
  return lines;
}
