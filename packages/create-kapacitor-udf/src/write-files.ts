import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, type Stats, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ScaffoldError } from './errors';

/** One file to write: its path below the target, `/`-separated, and its bytes. */
export interface FileToWrite {
  path: string;
  content: string | Uint8Array;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Refuses, before anything is written, every path below `root` that would
 * make a write land elsewhere: a symbolic link anywhere on the way (a linked
 * `src/` or `package.json` would carry the write out of the target; with
 * `--force` the directory may hold anything), a file where a directory must
 * be, a directory where a file must be.
 */
export function checkWritePaths(root: string, paths: readonly string[]): void {
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const sub = parts.slice(0, i + 1).join('/');
      const stats = lstatOrUndefined(join(root, ...parts.slice(0, i + 1)));
      if (stats === undefined) break; // created below: nothing further can exist
      const last = i === parts.length - 1;
      if (stats.isSymbolicLink()) {
        throw new ScaffoldError(
          'ERR_TARGET_HAS_LINK',
          `${join(root, sub)} is a symbolic link: the scaffold writes only inside ${root}, never through a link.\n` +
            'Remove the link, or choose a new or empty directory.',
        );
      }
      if (last && stats.isDirectory()) {
        throw new ScaffoldError(
          'ERR_TARGET_NOT_DIRECTORY',
          `${join(root, sub)} is a directory where the new package has a file: move it away first.`,
        );
      }
      if (!last && !stats.isDirectory()) {
        throw new ScaffoldError(
          'ERR_TARGET_NOT_DIRECTORY',
          `${join(root, sub)} is a file where the new package has a directory: move it away first.`,
        );
      }
    }
  }
}

/**
 * Writes `files` below `root` (checked with {@link checkWritePaths}). Each
 * file is written to a new temporary file beside it and renamed over the old
 * name, so a replaced name is unlinked rather than written through: a file
 * hard-linked from elsewhere keeps its content.
 */
export function writeFiles(root: string, files: readonly FileToWrite[]): void {
  mkdirSync(root, { recursive: true });
  for (const file of files) {
    const parts = file.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      dir = join(dir, part);
      // Checked again right before use: the tree may have changed since the first check.
      const stats = lstatOrUndefined(dir);
      if (stats === undefined) mkdirSync(dir);
      else if (stats.isSymbolicLink() || !stats.isDirectory()) checkWritePaths(root, [file.path]);
    }
    const target = join(dir, parts[parts.length - 1]);
    const temporary = join(dir, `.${parts[parts.length - 1]}.${process.pid}.create-kapacitor-udf`);
    // 'wx': O_CREAT | O_EXCL, which also refuses an existing link at the temporary name.
    const fd = openSync(temporary, 'wx', 0o666);
    try {
      const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, target);
    } catch (err) {
      rmSync(temporary, { force: true });
      throw err;
    }
  }
}
