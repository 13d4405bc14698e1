import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaffoldError } from './errors';
import { shellQuote, tomlString } from './shell-quote';

/** Where the template files are: next to `src/` and `dist/` alike. */
export const TEMPLATE_DIR = join(__dirname, '..', 'template');

/**
 * Template files stored under another name. npm never packs a file named
 * `.gitignore` (it reads it as ignore rules), so the template ships it as
 * `gitignore`.
 */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** What the template's placeholders are made of. */
export interface TemplateValues {
  /** `__PACKAGE_NAME__`: the npm name of the new package. */
  packageName: string;
  /** The name of the directory it is written into, used in the deployment examples. */
  dirName: string;
}

/**
 * The placeholders and their text. A path goes into a shell line quoted as
 * one word and into kapacitor.conf as a TOML string, so that any directory
 * name (spaces, quotes, `$`) pasted from the README means that directory.
 */
function placeholders(values: TemplateValues): Array<[string, string]> {
  const deployDir = `/srv/${values.dirName}`;
  const udfRun = `${deployDir}/node_modules/@kapacitor-udf/cli/bin/udf-run.js`;
  return [
    ['__PACKAGE_NAME__', values.packageName],
    ['__SH_DEPLOY_DIR__', shellQuote(deployDir)],
    ['__SH_UDF_RUN__', shellQuote(udfRun)],
    ['__TOML_DEPLOY_DIR__', tomlString(deployDir)],
    ['__TOML_UDF_RUN__', tomlString(udfRun)],
  ];
}

/** One file of the new package: its path relative to the package root, `/`-separated. */
export interface TemplateFile {
  path: string;
  content: string;
}

/** The template's files with their final names and the placeholders filled in. */
export function renderTemplate(values: TemplateValues, templateDir: string = TEMPLATE_DIR): TemplateFile[] {
  if (!existsSync(templateDir)) {
    throw new ScaffoldError(
      'ERR_INCOMPLETE_INSTALL',
      `the template directory ${templateDir} is missing: create-kapacitor-udf is installed incompletely; reinstall it.`,
    );
  }
  const replacements = placeholders(values);
  return listFiles(templateDir, '').map((relative) => ({
    path: rename(relative),
    // One pass over the text: a replacement that itself looks like a placeholder stays as it is.
    content: readFileSync(join(templateDir, relative), 'utf8').replace(
      /__[A-Z_]+__/g,
      (found) => replacements.find(([placeholder]) => placeholder === found)?.[1] ?? found,
    ),
  }));
}

/** Every file below `dir`, as paths relative to the template root, sorted for a stable order. */
function listFiles(root: string, relative: string): string[] {
  const files: string[] = [];
  const entries = readdirSync(join(root, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(root, path));
    else files.push(path);
  }
  return files;
}

function rename(relative: string): string {
  const slash = relative.lastIndexOf('/');
  const base = relative.slice(slash + 1);
  const renamed = RENAMED[base];
  return renamed === undefined ? relative : relative.slice(0, slash + 1) + renamed;
}
