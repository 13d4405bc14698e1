import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ScaffoldError } from './errors';
import { type Clone, checkClone, FRAMEWORK_PACKAGES, packClone, tarballName, VENDOR_DIR } from './from-clone';
import { generatedPackageJson } from './generated-package-json';
import { packageNameProblems, suggestPackageName } from './package-name';
import { checkTargetDir } from './target-dir';
import { renderTemplate } from './template';
import { ownVersion } from './versions';
import { checkWritePaths, type FileToWrite, writeFiles } from './write-files';

export interface CreatePackageOptions {
  /** Where to write the package (relative paths are taken from `cwd`). */
  dir: string;
  /** The npm name; default: the directory's name. */
  name?: string;
  /** Write into a non-empty directory. */
  force?: boolean;
  /**
   * A clone of the kapacitor-udf repository (relative to `cwd`): its
   * framework packages are packed into the new package's `vendor/` and
   * installed from there, for versions not on the registry.
   */
  from?: string;
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
  /** With `from`: the clone whose packages are in `vendor/`. */
  clone?: Clone;
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
  const clone = options.from === undefined ? undefined : checkClone(options.from, options.cwd ?? process.cwd());

  const files: FileToWrite[] = renderTemplate({ packageName: name, dirName });
  const vendored =
    clone === undefined
      ? undefined
      : Object.fromEntries(
          FRAMEWORK_PACKAGES.map((short) => {
            const pkg = `@kapacitor-udf/${short}`;
            return [pkg, `file:${VENDOR_DIR}/${tarballName(pkg, clone.version)}`];
          }),
        );
  const manifest = generatedPackageJson(name, clone?.version ?? ownVersion(), vendored);
  files.push({ path: 'package.json', content: `${JSON.stringify(manifest, null, 2)}\n` });
  if (clone !== undefined) appendToReadme(files, vendoredReadmeSection(clone));
  const tarballs = Object.values(vendored ?? {}).map((spec) => spec.slice('file:'.length));
  checkWritePaths(dir, [...files.map((f) => f.path), ...tarballs]);

  if (clone === undefined) {
    writeFiles(dir, files);
  } else {
    // Packed (and so built) before the first file is written: a clone that
    // does not build leaves nothing behind.
    const packDir = mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-pack-'));
    try {
      for (const packed of packClone(clone, packDir)) {
        files.push({ path: `${VENDOR_DIR}/${packed.file}`, content: readFileSync(join(packDir, packed.file)) });
      }
      writeFiles(dir, files);
    } finally {
      rmSync(packDir, { recursive: true, force: true });
    }
  }
  return { dir, name, files: files.map((f) => f.path).sort(), ...(clone === undefined ? {} : { clone }) };
}

function appendToReadme(files: FileToWrite[], section: string): void {
  const readme = files.find((f) => f.path === 'README.md');
  if (readme !== undefined) readme.content = `${String(readme.content).trimEnd()}\n\n${section}`;
}

/** What a package made with `--from` says about its `vendor/` folder. */
function vendoredReadmeSection(clone: Clone): string {
  return `## The framework packages in \`${VENDOR_DIR}/\`

This package was created from a clone of kapacitor-udf (\`--from\`), for
version ${clone.version} of the \`@kapacitor-udf\` packages, which the registry may
not have. \`${VENDOR_DIR}/\` holds them, packed from the clone as they would be
published, and \`package.json\` names them by \`file:\` path in
\`dependencies\`, \`devDependencies\` and \`overrides\` (\`overrides\` makes
the packages they depend on come from \`${VENDOR_DIR}/\` too), so \`npm install\`
never asks the registry for a \`@kapacitor-udf\` package. Keep \`${VENDOR_DIR}/\`
with the package (commit it).

Once ${clone.version} is on the registry, write \`^${clone.version}\` for each
\`file:${VENDOR_DIR}/...\` spec, delete \`overrides\` and \`${VENDOR_DIR}/\`, and run
\`npm install\`. Publish this package only after that: a published package
cannot point at files on your disk.
`;
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
