import * as fs from 'node:fs';
import * as path from 'node:path';
import { BadPackageJsonError } from './errors';
import { type PackageInfo, readPackageJson } from './package-json';

/**
 * The packages of an npm workspace root (its `"workspaces"` field), in the
 * order the patterns list them, each pattern's matches in sorted order.
 *
 * The patterns mean what they mean to npm (its `@npmcli/map-workspaces`;
 * packages/cli/test/workspaces.test.ts compares the two on every form
 * below): paths relative to the root; `*`, `?` and `[...]` match within one
 * folder name, `**` any depth, `{a,b}` alternatives; a leading `./` or `/`
 * is dropped. A pattern led by an odd number of `!` excludes what it
 * matches, unless a later pattern is itself matched by it (`["packages/*",
 * "!packages/b", "packages/b"]` keeps b). node_modules and folders whose
 * name starts with a dot are never searched. A folder matched without a
 * package.json is not a package and is passed over, as npm does.
 *
 * Why not `@npmcli/map-workspaces` itself: it would bring 28 packages
 * (8.8 MB, @npmcli/package-json with git and manifest tooling) into every
 * UDF package's runtime for a few dozen lines, it needs Node ^20.17 where
 * we support 20.0, and it is asynchronous while discovery reads folders
 * synchronously at start-up. It is a devDependency instead: the test keeps
 * this file to its semantics.
 */
export function workspacePackages(root: PackageInfo): PackageInfo[] {
  const patterns = workspacePatterns(root);
  if (patterns.length === 0) return [];
  const included: string[] = [];
  const positives: string[][] = [];
  let negatives: string[][] = [];
  for (const raw of patterns) {
    const bangs = /^!*/.exec(raw)![0].length;
    const pattern = raw.slice(bangs).replace(/^\.?\/+/, '');
    for (const alternative of expandBraces(pattern)) {
      const segments = alternative.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
      if (bangs % 2 === 1) {
        negatives.push(segments);
      } else {
        // A later pattern that an earlier exclusion matches takes back that exclusion (npm's rule).
        negatives = negatives.filter((negative) => !matchesPath(segments, negative));
        positives.push(segments);
      }
    }
  }
  for (const segments of positives) {
    // Each pattern's matches sorted as npm sorts them (by path, in English collation).
    const matches = matchDirs(root.dir, segments).sort((a, b) =>
      path.relative(root.dir, a).localeCompare(path.relative(root.dir, b), 'en'),
    );
    for (const dir of matches) if (!included.includes(dir)) included.push(dir);
  }
  const packages: PackageInfo[] = [];
  for (const dir of included) {
    if (dir === root.dir) continue;
    const relative = path.relative(root.dir, dir).split(path.sep);
    if (negatives.some((negative) => matchesPath(relative, negative))) continue;
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) packages.push({ dir, file, json: readPackageJson(file) });
  }
  return packages;
}

function workspacePatterns(root: PackageInfo): string[] {
  const field = root.json.workspaces;
  if (field === undefined) return [];
  // npm takes an array; Yarn's { packages: [...] } form is accepted as well.
  const list = Array.isArray(field) ? field : (field as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
    throw new BadPackageJsonError(root.file, '"workspaces" must be an array of folder patterns, e.g. ["packages/*"]');
  }
  return list as string[];
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (nested braces too); a brace without a comma is literal. */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      if (commas.length === 0) return expandBraces(pattern.slice(i + 1)).map((rest) => pattern.slice(0, i + 1) + rest);
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const bounds = [open, ...commas, i];
      const options = bounds.slice(1).map((end, k) => pattern.slice(bounds[k] + 1, end));
      return options.flatMap((option) => expandBraces(head + option + tail));
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

const MAGIC = /[*?[]/;

/** One folder-name pattern (`*`, `?`, `[...]`) as an anchored RegExp. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[' && segment.indexOf(']', i + 2) !== -1) {
      const close = segment.indexOf(']', i + 2);
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function matchSegment(name: string, pattern: string): boolean {
  return MAGIC.test(pattern) ? !name.startsWith('.') && segmentRegExp(pattern).test(name) : name === pattern;
}

/** Whether the folder path `names` (segments) is matched by the pattern `segments`. */
function matchesPath(names: readonly string[], segments: readonly string[]): boolean {
  if (segments.length === 0) return names.length === 0;
  const [head, ...rest] = segments;
  if (head === '**') {
    if (matchesPath(names, rest)) return true;
    return names.length > 0 && !names[0].startsWith('.') && matchesPath(names.slice(1), segments);
  }
  return names.length > 0 && matchSegment(names[0], head) && matchesPath(names.slice(1), rest);
}

/** Folders under `base` matching the pattern segments (absolute paths). */
function matchDirs(base: string, segments: string[]): string[] {
  if (segments.length === 0) return [base];
  const [head, ...rest] = segments;
  if (head === '**') {
    // Zero folders, or one more folder and `**` again.
    const here = matchDirs(base, rest);
    const deeper = subdirs(base).flatMap((d) => matchDirs(d, segments));
    return [...here, ...deeper];
  }
  if (!MAGIC.test(head)) {
    const dir = head === '..' ? path.dirname(base) : path.join(base, head);
    return isDir(dir) ? matchDirs(dir, rest) : [];
  }
  return subdirs(base)
    .filter((d) => matchSegment(path.basename(d), head))
    .flatMap((d) => matchDirs(d, rest));
}

function subdirs(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .sort();
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
}
