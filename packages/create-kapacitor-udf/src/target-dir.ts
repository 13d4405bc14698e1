import { readdirSync, statSync } from 'node:fs';
import { ScaffoldError } from './errors';

/**
 * Entries that do not make a directory "in use": a fresh `git init` or an
 * empty cloned repository holds only `.git`, and starting the package there
 * is what the user wants.
 */
const IGNORED_ENTRIES = new Set(['.git']);

/**
 * Checks that `dir` may receive a new package: it does not exist, or it is
 * an empty directory, or `force` allows writing into a non-empty one (files
 * of the same names are replaced, others are kept).
 */
export function checkTargetDir(dir: string, force: boolean): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isDirectory) {
    throw new ScaffoldError(
      'ERR_TARGET_NOT_DIRECTORY',
      `${dir} exists and is not a directory: choose another directory for the new package.`,
    );
  }
  if (force) return;
  const entries = readdirSync(dir).filter((entry) => !IGNORED_ENTRIES.has(entry));
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
    throw new ScaffoldError(
      'ERR_TARGET_NOT_EMPTY',
      `${dir} is not empty (${shown}).\n` +
        'Choose a new or empty directory, or add --force to write into it anyway (files with the same names are replaced, others are kept).\n' +
        `With npm create, options go after "--": npm create kapacitor-udf ${dir} -- --force`,
    );
  }
}
