/**
 * Reloading the served UDF's code (SIGHUP, --watch): its module is imported
 * anew and the class found in it replaces the served one for connections
 * opened from then on. Connections already open keep their instance (and so
 * the old code) until they end: a running task is never cut. A module that
 * fails to load, or no longer exports the UDF, leaves the old code serving.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@kapacitor-udf/core';
import type { UdfClass } from '@kapacitor-udf/decorators';
import { udfNameOf } from './udf-name';

/** The UDF being served: where it was found, so it can be found again. */
export interface ReloadTarget {
  name: string;
  file: string;
  exportName: string;
  className: string;
}

export interface ReloaderOptions {
  target: ReloadTarget;
  logger: Logger;
  /** Imports the module anew as `generation` and returns the UDF class in it. */
  load(generation: number): Promise<UdfClass>;
  /** Makes `cls` (loaded as `generation`) the class of new connections; rejects when it cannot (e.g. a worker failed). */
  apply(cls: UdfClass, generation: number): Promise<void>;
}

export type ReloadOutcome = { ok: true; generation: number } | { ok: false; error: string };

export class Reloader {
  private generation = 0;
  private running: Promise<ReloadOutcome> | undefined;
  private queued: Promise<ReloadOutcome> | undefined;

  constructor(private readonly options: ReloaderOptions) {}

  /**
   * Reloads once. A reload asked for while one runs happens once after it
   * (however many were asked for): the files may have changed again meanwhile.
   */
  reload(reason: string): Promise<ReloadOutcome> {
    if (this.running === undefined) {
      this.running = this.run(reason).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.reload(reason);
    });
    return this.queued;
  }

  private async run(reason: string): Promise<ReloadOutcome> {
    const { target, logger } = this.options;
    const generation = ++this.generation;
    const fields = { udf: target.name, module: target.file, reason, generation };
    logger.info('reloading the UDF module', fields);
    let cls: UdfClass;
    try {
      cls = await this.options.load(generation);
      const name = udfNameOf(cls);
      if (name !== target.name) {
        throw new Error(`the export "${target.exportName}" now holds the UDF "${name}", not "${target.name}"`);
      }
      await this.options.apply(cls, generation);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      logger.error('reload failed: the previous code keeps serving', { ...fields, error });
      return { ok: false, error };
    }
    logger.info('reloaded: new connections (tasks started from now on) run the new code; open ones keep theirs', fields);
    return { ok: true, generation };
  }
}

/** Directories never watched: dependencies and VCS / tool state. */
const IGNORED = /(^|[\\/])(node_modules|\.git|\.[^\\/]*cache)([\\/]|$)/;

/**
 * Watches the package holding `file` (its nearest package.json's directory,
 * recursively) and calls `onChange` once things have been quiet for
 * `debounceMs` after a change. For development (--watch): editors write a
 * file in several steps, and a build writes many files.
 */
export function watchPackage(file: string, onChange: (changed: string) => void, logger: Logger, debounceMs = 300): () => void {
  const root = packageRootOf(file) ?? path.dirname(file);
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const watcher = fs.watch(root, { recursive: true }, (_event, name) => {
    const changed = name === null ? '' : String(name);
    if (IGNORED.test(changed)) return;
    last = changed;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => onChange(path.join(root, last)), debounceMs);
  });
  watcher.on('error', (err) => logger.error('--watch: watching stopped', { dir: root, error: err.message }));
  logger.info('--watch: reloading the UDF when files change', { dir: root });
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    watcher.close();
  };
}

function packageRootOf(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
