import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TsNodeMissingError } from './errors';

/**
 * A real dynamic import(). TypeScript compiling to CommonJS rewrites
 * `import()` into `require()`, which cannot load ES modules; a function
 * built at runtime keeps Node's own import().
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.cts', '.mts', '.tsx']);
const ESM_ERRORS = new Set(['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE']);

export interface LoadModuleOptions {
  /**
   * Load the module's code anew (a reload: SIGHUP, --watch), as generation
   * number `fresh`: CommonJS files of the module's own package leave
   * require's cache first, and an ES module is imported under a new URL
   * (`?reload=N`). Node cannot drop an ES module from its cache, so for ES
   * modules only the entry file is read anew (the files it imports stay
   * cached), and every generation stays in memory.
   */
  fresh?: number;
}

/**
 * Loads one module file and returns what it exports: TypeScript through
 * ts-node (loaded only then, it is slow to start), `.mjs` through import(),
 * anything else through require() with import() as the fallback for ES
 * modules in "type": "module" packages.
 */
export async function loadModuleFile(file: string, options: LoadModuleOptions = {}): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  const fresh = options.fresh;
  if (fresh !== undefined) forgetOwnModules(file);
  const esmUrl = (): string => pathToFileURL(file).href + (fresh === undefined ? '' : `?reload=${fresh}`);
  if (TYPESCRIPT_EXTENSIONS.has(ext)) {
    registerTsNode(file);
    return require(file);
  }
  if (ext === '.mjs' || (ext === '.js' && isInModulePackage(file))) return dynamicImport(esmUrl());
  try {
    return require(file);
  } catch (err) {
    if (ESM_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) return dynamicImport(esmUrl());
    throw err;
  }
}

/**
 * Removes from require's cache the module `file` and every file of its own
 * package (the nearest package.json's directory), so that require() runs
 * them again. Dependencies (anything under node_modules) and kapacitor-udf's
 * own packages stay: a second copy of those would be loaded for nothing.
 */
export function forgetOwnModules(file: string): string[] {
  const real = realpathOr(file);
  const root = packageRootOf(real);
  const keep = ownPackageDirs();
  const forgotten: string[] = [];
  for (const key of Object.keys(require.cache)) {
    const isEntry = key === real || key === file;
    const inPackage =
      root !== undefined &&
      key.startsWith(root + path.sep) &&
      !key.slice(root.length).includes(`${path.sep}node_modules${path.sep}`) &&
      !keep.some((dir) => key.startsWith(dir + path.sep));
    if (isEntry || inPackage) {
      delete require.cache[key];
      forgotten.push(key);
    }
  }
  return forgotten;
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** The directory of the nearest package.json above `file`. */
function packageRootOf(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let ownDirs: string[] | undefined;

/** The real directories of kapacitor-udf's packages (in a monorepo checkout they are not under node_modules). */
function ownPackageDirs(): string[] {
  if (ownDirs !== undefined) return ownDirs;
  ownDirs = [];
  for (const name of ['core', 'decorators', 'transports', 'cli', 'testing']) {
    try {
      ownDirs.push(path.dirname(fs.realpathSync(require.resolve(`@kapacitor-udf/${name}/package.json`))));
    } catch {
      // not installed (testing is optional)
    }
  }
  return ownDirs;
}

/**
 * Whether Node treats this .js file as an ES module: its nearest
 * package.json says "type": "module". Such files go straight to import()
 * (newer Node versions could require() them, with an experimental warning
 * on stderr, which Kapacitor would log).
 */
function isInModulePackage(file: string): boolean {
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false; // require() will report the broken package.json
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

let tsNodeRegistered = false;

function registerTsNode(file: string): void {
  if (tsNodeRegistered) return;
  let tsNodePath: string;
  try {
    // The user's own ts-node first (next to their sources), then ours.
    tsNodePath = require.resolve('ts-node', { paths: [path.dirname(file), process.cwd(), __dirname] });
  } catch {
    throw new TsNodeMissingError(file);
  }
  const tsNode = require(tsNodePath) as { register(options: object): unknown };
  tsNode.register({
    // Type checking belongs to the build; here it would only slow every
    // Kapacitor task start. The UDF's own tsconfig applies, but decorators
    // must be the legacy ones and the output CommonJS for require().
    transpileOnly: true,
    projectSearchDir: path.dirname(file),
    compilerOptions: { experimentalDecorators: true, module: 'commonjs', moduleResolution: 'node' },
  });
  tsNodeRegistered = true;
}
