import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UdfClass } from '@kapacitor-udf/decorators';
import { isUdfClass } from '@kapacitor-udf/decorators';
import { CliError, ModuleLoadError } from './errors';
import { loadModuleFile } from './load-module';
import { entryPointOf, findInstalledPackage, findNearestPackage, udfModulesOf } from './package-json';
import { udfNameOf } from './udf-name';
import { workspacePackages } from './workspaces';

/** A module to load and why it is loaded. */
export interface ModuleSource {
  file: string;
  /** Human description of where it came from, e.g. `--module`, `package "my-udfs"`. */
  origin: string;
}

/** One UDF class found in a module. */
export interface FoundUdf {
  /** The name Kapacitor's config and TICKscript use: the `@Udf` name, else the class name. */
  name: string;
  className: string;
  cls: UdfClass;
  /** The export it was found under (`default`, `MirrorUdf`, or `module.exports`). */
  exportName: string;
  file: string;
  origin: string;
}

export interface Discovery {
  udfs: FoundUdf[];
  /**
   * Modules that failed to load. They do not hide the UDFs of the others:
   * `--list` shows both, and a UDF found elsewhere still runs.
   */
  failures: ModuleLoadError[];
  /** What was searched, for messages ("package my-udfs (/path/package.json), 2 dependencies"). */
  searched: string;
  /** The package directory discovery started from (for --describe's kapacitor.conf lines). */
  packageDir?: string;
}

export interface DiscoverOptions {
  /** Explicit module files (--module): when given, only these are loaded. */
  modules: string[];
  /** Where to look for the current package (--dir, default the working directory). */
  dir: string;
  /** Longest one module may take to load, its top-level awaits included (default MODULE_LOAD_TIMEOUT_MS). */
  loadTimeoutMs?: number;
}

/**
 * Default of DiscoverOptions.loadTimeoutMs: 30 s. Kapacitor gives a process
 * UDF 10 s (its `timeout`) to answer the first request, so a module still
 * loading after this long has failed anyway; without a bound, a top-level
 * await that never settles left udf-run waiting, or exiting 0 in silence.
 */
export const MODULE_LOAD_TIMEOUT_MS = 30_000;

/** Lists the module files to load, without loading any. */
export function findModuleSources(options: DiscoverOptions): { sources: ModuleSource[]; searched: string; packageDir?: string } {
  if (options.modules.length > 0) {
    const sources = options.modules.map((m) => {
      const file = path.resolve(options.dir, m);
      if (!fs.existsSync(file)) {
        throw new CliError(
          'ERR_MODULE_NOT_FOUND',
          `--module ${m}: ${file} does not exist (relative paths are resolved from ${options.dir})`,
        );
      }
      const problem = notARegularFile(file);
      if (problem !== undefined) throw new CliError('ERR_MODULE_NOT_FOUND', `--module ${m}: ${problem}`);
      return { file, origin: '--module' };
    });
    return { sources, searched: sources.map((s) => s.file).join(', ') };
  }

  const pkg = findNearestPackage(options.dir);
  if (pkg === undefined) {
    return { sources: [], searched: `no package.json in ${path.resolve(options.dir)} or above (use --module FILE)` };
  }
  const label = pkg.json.name ? `package "${pkg.json.name}"` : `package at ${pkg.dir}`;
  const sources: ModuleSource[] = [];
  const declared = udfModulesOf(pkg);
  if (declared !== undefined) {
    for (const file of declared) sources.push({ file, origin: `${label} ("kapacitorUdf" in ${pkg.file})` });
  } else {
    const entry = entryPointOf(pkg);
    if (entry !== undefined) sources.push({ file: entry, origin: `${label} (entry point)` });
  }

  const dependencyNames = new Set([
    ...Object.keys(pkg.json.dependencies ?? {}),
    ...Object.keys(pkg.json.optionalDependencies ?? {}),
    ...Object.keys(pkg.json.devDependencies ?? {}),
  ]);
  let udfDependencies = 0;
  for (const name of dependencyNames) {
    const dep = findInstalledPackage(name, pkg.dir);
    if (dep === undefined) continue; // not installed (optional, or npm install not run): nothing to run from it
    const files = udfModulesOf(dep);
    if (files === undefined) continue;
    udfDependencies++;
    for (const file of files) sources.push({ file, origin: `dependency "${name}"` });
  }
  // At an npm workspace root, the workspace packages that declare themselves
  // UDF packages: a monorepo of UDFs lists and runs from its root.
  let udfWorkspaces = 0;
  const workspaces = workspacePackages(pkg);
  for (const member of workspaces) {
    const files = udfModulesOf(member);
    if (files === undefined) continue;
    udfWorkspaces++;
    const name = member.json.name ?? path.relative(pkg.dir, member.dir);
    for (const file of files) sources.push({ file, origin: `workspace package "${name}"` });
  }
  const searched =
    `${label} (${pkg.file})` +
    (declared === undefined ? '' : ' with its "kapacitorUdf" modules') +
    `${workspaces.length === 0 ? ', and' : ','} ${udfDependencies} installed UDF ${udfDependencies === 1 ? 'dependency' : 'dependencies'} of its ${dependencyNames.size}` +
    (workspaces.length === 0
      ? ''
      : `, and ${udfWorkspaces} UDF ${udfWorkspaces === 1 ? 'package' : 'packages'} among its ${workspaces.length} workspace packages`);
  return { sources, searched, packageDir: pkg.dir };
}

/** Loads every module source and collects the UDF classes they export. */
export async function discoverUdfs(options: DiscoverOptions): Promise<Discovery> {
  const { sources, searched, packageDir } = findModuleSources(options);
  const udfs: FoundUdf[] = [];
  const failures: ModuleLoadError[] = [];
  const seenFiles = new Set<string>();
  for (const source of sources) {
    const real = fs.existsSync(source.file) ? fs.realpathSync(source.file) : source.file;
    if (seenFiles.has(real)) continue;
    seenFiles.add(real);
    if (!fs.existsSync(source.file)) {
      failures.push(
        new ModuleLoadError(
          source.file,
          source.origin,
          new Error('the file does not exist: build the package (npm run build) or fix the path'),
        ),
      );
      continue;
    }
    const problem = notARegularFile(source.file);
    if (problem !== undefined) {
      failures.push(new ModuleLoadError(source.file, source.origin, new Error(problem)));
      continue;
    }
    let exported: unknown;
    try {
      exported = await loadWithin(() => loadModuleFile(source.file), options.loadTimeoutMs ?? MODULE_LOAD_TIMEOUT_MS);
    } catch (err) {
      // Missing ts-node and the like concern every module: stop at once.
      if (err instanceof CliError) throw err;
      failures.push(new ModuleLoadError(source.file, source.origin, err));
      continue;
    }
    for (const { exportName, cls } of udfClassesIn(exported)) {
      udfs.push({ name: udfNameOf(cls), className: cls.name, cls, exportName, file: source.file, origin: source.origin });
    }
  }
  return { udfs, failures, searched, packageDir };
}

/**
 * Why `file` cannot be a module, or undefined. A device or a pipe is read
 * without end by require() (`--module /dev/zero` grew to gigabytes).
 */
function notARegularFile(file: string): string | undefined {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch (err) {
    return `${file} cannot be read (${(err as Error).message})`;
  }
  if (stats.isFile()) return undefined;
  const kind = stats.isDirectory()
    ? 'a directory (give the file, e.g. dist/index.js, or use --dir for a package)'
    : stats.isCharacterDevice() || stats.isBlockDevice()
      ? 'a device'
      : stats.isFIFO()
        ? 'a named pipe'
        : stats.isSocket()
          ? 'a socket'
          : 'not a regular file';
  return `${file} is ${kind}, not a module file`;
}

/**
 * Runs `load` (a module's loading), failing when it does not finish: after `timeoutMs`, or at
 * once when Node runs out of work while it loads (nothing is left that could
 * settle its top-level await, and Node would exit 0 without a word).
 */
export function loadWithin(load: () => Promise<unknown>, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      process.off('beforeExit', onIdle);
      return true;
    };
    // Unref'd: whether Node stays up is the module's own pending work's choice.
    const timer = setTimeout(() => {
      if (settle()) {
        reject(
          new Error(
            `it did not finish loading within ${timeoutMs / 1000} s (its top-level code awaits something that does not settle: ` +
              'a top-level await on a connection or a promise nobody resolves?); load slow resources lazily, in @OnInit',
          ),
        );
      }
    }, timeoutMs);
    timer.unref();
    const onIdle = (): void => {
      if (settle()) {
        reject(new Error('its top-level await never settles: nothing is left running that could settle it (a promise nobody resolves?)'));
      }
    };
    process.on('beforeExit', onIdle);
    load().then(
      (exported) => {
        if (settle()) resolve(exported);
      },
      (err: unknown) => {
        if (settle()) reject(err);
      },
    );
  });
}

/**
 * The UDF classes a module exports: `module.exports = Class`, named exports,
 * a default export, and (for CommonJS loaded through import()) the
 * properties of the default export. Each class once.
 */
function udfClassesIn(exported: unknown): Array<{ exportName: string; cls: UdfClass }> {
  const found: Array<{ exportName: string; cls: UdfClass }> = [];
  const seen = new Set<unknown>();
  const add = (exportName: string, value: unknown): void => {
    if (seen.has(value) || !isUdfClass(value)) return;
    seen.add(value);
    found.push({ exportName, cls: value as UdfClass });
  };
  add('module.exports', exported);
  if (exported !== null && (typeof exported === 'object' || typeof exported === 'function')) {
    const record = exported as Record<string, unknown>;
    for (const key of Object.keys(record)) add(key, record[key]);
    const def = record.default;
    if (def !== null && typeof def === 'object') {
      for (const key of Object.keys(def)) add(key, (def as Record<string, unknown>)[key]);
    }
  }
  return found;
}
