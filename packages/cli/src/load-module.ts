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

/**
 * Loads one module file and returns what it exports: TypeScript through
 * ts-node (loaded only then, it is slow to start), `.mjs` through import(),
 * anything else through require() with import() as the fallback for ES
 * modules in "type": "module" packages.
 */
export async function loadModuleFile(file: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (TYPESCRIPT_EXTENSIONS.has(ext)) {
    registerTsNode(file);
    return require(file);
  }
  if (ext === '.mjs' || (ext === '.js' && isInModulePackage(file))) return dynamicImport(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (err) {
    if (ESM_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) return dynamicImport(pathToFileURL(file).href);
    throw err;
  }
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
