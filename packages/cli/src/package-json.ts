import * as fs from 'node:fs';
import * as path from 'node:path';
import { BadPackageJsonError } from './errors';

/** The parts of a package.json udf-run reads. */
export interface PackageJson {
  name?: string;
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  /** An npm workspace root's package folders (patterns). */
  workspaces?: unknown;
  /**
   * Marks a UDF package: `true` means its entry point holds the UDFs,
   * `{ modules: [...] }` lists the files (relative to the package) to load.
   */
  kapacitorUdf?: unknown;
}

export interface PackageInfo {
  dir: string;
  file: string;
  json: PackageJson;
}

export function readPackageJson(file: string): PackageJson {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadPackageJsonError(file, `cannot read it (${(err as Error).message})`);
  }
  try {
    const json: unknown = JSON.parse(text);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as PackageJson;
  } catch (err) {
    throw new BadPackageJsonError(file, `is not valid JSON (${(err as Error).message}): fix it`);
  }
}

/** The nearest package.json from `dir` upward. */
export function findNearestPackage(dir: string): PackageInfo | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const file = path.join(current, 'package.json');
    if (fs.existsSync(file)) return { dir: current, file, json: readPackageJson(file) };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** An installed dependency, found the way Node finds it: node_modules folders from `fromDir` upward. */
export function findInstalledPackage(name: string, fromDir: string): PackageInfo | undefined {
  let current = path.resolve(fromDir);
  for (;;) {
    const file = path.join(current, 'node_modules', name, 'package.json');
    if (fs.existsSync(file)) {
      const real = fs.realpathSync(file);
      return { dir: path.dirname(real), file: real, json: readPackageJson(real) };
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * The files a package's `kapacitorUdf` field points at (absolute paths), or
 * undefined when the package does not declare itself a UDF package.
 */
export function udfModulesOf(pkg: PackageInfo): string[] | undefined {
  const field = pkg.json.kapacitorUdf;
  if (field === undefined || field === false) return undefined;
  if (field === true) {
    const entry = entryPointOf(pkg);
    if (entry === undefined) {
      throw new BadPackageJsonError(
        pkg.file,
        '"kapacitorUdf": true but the package has no entry point ("main" or "exports") that exists: build it, or list the files in "kapacitorUdf": { "modules": [...] }',
      );
    }
    return [entry];
  }
  const modules = (field as { modules?: unknown }).modules;
  if (typeof field !== 'object' || field === null || !Array.isArray(modules) || modules.some((m) => typeof m !== 'string')) {
    throw new BadPackageJsonError(pkg.file, '"kapacitorUdf" must be true or { "modules": ["dist/index.js", ...] }');
  }
  return (modules as string[]).map((m) => path.resolve(pkg.dir, m));
}

/** The package's main module (exports "." first, then main, then index.js), if the file exists. */
export function entryPointOf(pkg: PackageInfo): string | undefined {
  const candidates: string[] = [];
  const fromExports = exportsTarget(pkg.json.exports);
  if (fromExports !== undefined) candidates.push(fromExports);
  if (typeof pkg.json.main === 'string') candidates.push(pkg.json.main, `${pkg.json.main}.js`, path.join(pkg.json.main, 'index.js'));
  candidates.push('index.js');
  for (const candidate of candidates) {
    const file = path.resolve(pkg.dir, candidate);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return undefined;
}

/** The target of `exports["."]`, preferring require, then node, import and default conditions. */
function exportsTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) return undefined;
  const record = exports as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k) => k.startsWith('.'))) return exportsTarget(record['.']);
  for (const condition of ['require', 'node', 'import', 'default']) {
    if (condition in record) {
      const target = exportsTarget(record[condition]);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}
