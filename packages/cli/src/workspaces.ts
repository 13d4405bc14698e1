import * as fs from 'node:fs';
import * as path from 'node:path';
import { BadPackageJsonError } from './errors';
import { type PackageInfo, readPackageJson } from './package-json';

/**
 * The packages of an npm workspace root (its `"workspaces"` field), in the
 * order the patterns list them. Patterns are npm's: paths relative to the
 * root where `*` matches within one folder name and `**` any depth, and a
 * leading `!` excludes. node_modules is never searched. A folder matched
 * without a package.json is not a package and is passed over, as npm does.
 */
export function workspacePackages(root: PackageInfo): PackageInfo[] {
  const patterns = workspacePatterns(root);
  if (patterns.length === 0) return [];
  const included: string[] = [];
  const excluded = new Set<string>();
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const segments = (negated ? pattern.slice(1) : pattern).split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
    for (const dir of matchDirs(root.dir, segments)) {
      if (negated) excluded.add(dir);
      else if (!included.includes(dir)) included.push(dir);
    }
  }
  const packages: PackageInfo[] = [];
  for (const dir of included) {
    if (excluded.has(dir) || dir === root.dir) continue;
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
  if (!head.includes('*')) {
    const dir = head === '..' ? path.dirname(base) : path.join(base, head);
    return isDir(dir) ? matchDirs(dir, rest) : [];
  }
  const re = new RegExp(`^${head.split('*').map(escapeRegExp).join('[^/]*')}$`);
  return subdirs(base)
    .filter((d) => re.test(path.basename(d)))
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
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
