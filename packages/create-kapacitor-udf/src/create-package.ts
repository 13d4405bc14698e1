import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ScaffoldError } from './errors';
import { generatedPackageJson } from './generated-package-json';
import { packageNameProblems, suggestPackageName } from './package-name';
import { checkTargetDir } from './target-dir';
import { renderTemplate } from './template';
import { ownVersion } from './versions';

export interface CreatePackageOptions {
  /** Where to write the package (relative paths are taken from `cwd`). */
  dir: string;
  /** The npm name; default: the directory's name. */
  name?: string;
  /** Write into a non-empty directory. */
  force?: boolean;
  /** Default: process.cwd(). */
  cwd?: string;
}

export interface CreatedPackage {
  /** Absolute path of the new package. */
  dir: string;
  /** Its npm name. */
  name: string;
  /** The files written, relative to `dir`, `/`-separated. */
  files: string[];
}

/**
 * Writes a new UDF package: everything is checked (name, directory, template)
 * before the first file is written, so a refused call leaves nothing behind.
 */
export function createPackage(options: CreatePackageOptions): CreatedPackage {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const dirName = basename(dir);
  const name = options.name ?? dirName;
  checkPackageName(name, options.name === undefined);
  checkTargetDir(dir, options.force ?? false);

  const files = renderTemplate({ packageName: name, dirName });
  files.push({ path: 'package.json', content: `${JSON.stringify(generatedPackageJson(name, ownVersion()), null, 2)}\n` });
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return { dir, name, files: files.map((f) => f.path).sort() };
}

function checkPackageName(name: string, fromDirectory: boolean): void {
  const problems = packageNameProblems(name);
  if (problems.length === 0) return;
  const origin = fromDirectory ? ' (taken from the directory name)' : '';
  const suggestion = suggestPackageName(name);
  const advice = fromDirectory
    ? `Give the package a name with --name${suggestion === undefined ? ' <name>' : `, e.g. --name ${suggestion}`}.`
    : `Choose another name${suggestion === undefined ? '' : `, e.g. --name ${suggestion}`}.`;
  throw new ScaffoldError(
    'ERR_INVALID_PACKAGE_NAME',
    `"${name}"${origin} is not a valid npm package name: ${problems.join('; ')}.\n${advice}\n` +
      'With npm create, options go after "--": npm create kapacitor-udf <dir> -- --name <name>',
  );
}
