import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Finds text in the repository's files that names reference material kept
 * beside the repository (a sibling folder of the checkout). Users clone the
 * repository alone, so anything that reads or points there breaks for them;
 * what tests and docs need lives in the repository (test/vectors,
 * docs/protocol.md).
 */

// Built from parts so that this file does not match itself.
const SIBLING = ['sha', 'red'].join('');
const CONTENTS = '(?:vectors|protocol|seeds|hooks)';
const Q = `['"\`]`;
export const OUTSIDE_PATH = new RegExp(
  [
    String.raw`\.\.[\\/]${SIBLING}\b`, // ../<sibling>, ..\<sibling>
    String.raw`\b${SIBLING}[\\/]${CONTENTS}\b`, // <sibling>/vectors, ...
    String.raw`${Q}\.\.${Q}\s*,\s*${Q}${SIBLING}${Q}`, // path.join(dir, '..', '<sibling>')
    String.raw`${Q}${SIBLING}${Q}\s*,\s*${Q}${CONTENTS}\b`, // path.join(dir, '<sibling>', 'vectors')
  ].join('|'),
  'g',
);

/** Folders never scanned when walking the tree (installed or built, not authored). */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist']);

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The repository's files, relative to root: what git tracks when this is a git
 * checkout, else (an exported tarball, no git installed) every file under root
 * outside SKIPPED_DIRS.
 */
export function repositoryFiles(root: string = REPO_ROOT): { files: string[]; source: 'git' | 'walk' } {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    const files = out
      .toString('utf8')
      .split('\0')
      .filter((f) => f !== '');
    if (files.length > 0) return { files, source: 'git' };
  } catch {
    // No git, or not a checkout: fall through to the walk.
  }
  return { files: walk(root), source: 'walk' };
}

export function walk(root: string): string[] {
  const files: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) visit(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  };
  visit('');
  return files.sort();
}

export interface OutsidePath {
  file: string;
  line: number;
  text: string;
}

/** Every occurrence of OUTSIDE_PATH in content (read as latin1, so binary files are scanned too). */
export function findOutsidePaths(file: string, content: Buffer | string): OutsidePath[] {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  const found: OutsidePath[] = [];
  for (const m of text.matchAll(OUTSIDE_PATH)) {
    const line = text.slice(0, m.index).split('\n').length;
    found.push({ file, line, text: m[0] });
  }
  return found;
}

/** Scans the given files under root; files listed but missing (deleted, not yet committed) are skipped. */
export function scanRepository(root: string, files: string[]): OutsidePath[] {
  const found: OutsidePath[] = [];
  for (const file of files) {
    let content: Buffer;
    try {
      content = fs.readFileSync(path.join(root, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') continue;
      throw err;
    }
    found.push(...findOutsidePaths(file, content));
  }
  return found;
}
