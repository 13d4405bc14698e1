import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isUdfClass } from '@kapacitor-udf/decorators';
import { InvalidTransportOptionError } from './errors';
import type { UdfClass } from './udf-class';

/** Where a worker thread finds the UDF class: a module file and the export holding it. */
export interface UdfSource {
  module: string;
  /** Unset: the class name, else `module.exports`, else `default`, whichever holds a UDF class. */
  exportName?: string;
}

/**
 * Where worker threads load `cls` from. A worker cannot receive a class
 * object, only its address: `module` (a path, relative to the working
 * directory, or a file: URL) and `exportName` (default: the class name, then
 * `module.exports`, then `default`). Without `module`, the CommonJS module
 * cache is searched for the module that exports `cls` itself.
 */
export function resolveUdfSource(cls: UdfClass, module: string | undefined, exportName: string | undefined): UdfSource {
  if (module !== undefined) {
    if (typeof module !== 'string' || module === '') {
      throw new InvalidTransportOptionError('module must be the path of the file that exports the UDF class, e.g. module: __filename');
    }
    const file = module.startsWith('file:') ? fileURLToPath(module) : path.resolve(module);
    return { module: file, exportName };
  }
  const found = findInModuleCache(cls);
  if (found === undefined) {
    throw new InvalidTransportOptionError(
      `workers: the worker threads load ${cls.name} themselves, but no loaded CommonJS module exports it: ` +
        `export the class and pass its file, e.g. serveSocket(${cls.name}, { path, workers: 2, module: __filename, exportName: '${cls.name}' })`,
    );
  }
  return exportName === undefined ? found : { module: found.module, exportName };
}

function findInModuleCache(cls: UdfClass): UdfSource | undefined {
  for (const mod of Object.values(require.cache)) {
    if (mod === undefined) continue;
    const exported: unknown = mod.exports;
    if (exported === cls) return { module: mod.filename, exportName: 'module.exports' };
    if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) continue;
    for (const [key, value] of Object.entries(exported as Record<string, unknown>)) {
      if (value === cls) return { module: mod.filename, exportName: key };
    }
  }
  return undefined;
}

/**
 * A real dynamic import(): TypeScript compiling to CommonJS would turn
 * `import()` into `require()`, which cannot load ES modules.
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * Loads the module (through `loaderModule`'s `loadModuleFile` when given) and
 * picks the UDF class out of it. `fresh` (a reload's generation number) asks
 * the loader to run the module's code anew; without a loader it is ignored.
 */
export async function loadUdfClass(source: UdfSource, className: string, loaderModule?: string, fresh?: number): Promise<UdfClass> {
  let exported: unknown;
  if (loaderModule !== undefined) {
    const loader = require(loaderModule) as { loadModuleFile(file: string, options?: { fresh?: number }): Promise<unknown> };
    exported = await loader.loadModuleFile(source.module, fresh === undefined ? undefined : { fresh });
  } else if (source.module.endsWith('.mjs')) {
    exported = await dynamicImport(pathToFileURL(source.module).href);
  } else {
    try {
      exported = require(source.module);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
      exported = await dynamicImport(pathToFileURL(source.module).href);
    }
  }
  const candidates = source.exportName !== undefined ? [source.exportName] : [className, 'module.exports', 'default'];
  for (const name of candidates) {
    const cls = pickExport(exported, name);
    if (isUdfClass(cls)) return cls as UdfClass;
  }
  throw new Error(
    `${source.module} has no UDF class under the export ${candidates.map((c) => `"${c}"`).join(' or ')}: ` +
      `pass exportName (the name ${className} is exported under, "default" or "module.exports")`,
  );
}

function pickExport(exported: unknown, exportName: string): unknown {
  if (exportName === 'module.exports') return exported;
  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) return undefined;
  const record = exported as Record<string, unknown>;
  if (exportName in record) return record[exportName];
  // CommonJS loaded through import(): its exports are the default export's properties.
  const def = record.default;
  if (def !== null && (typeof def === 'object' || typeof def === 'function')) return (def as Record<string, unknown>)[exportName];
  return undefined;
}
