import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaffoldError } from './errors';

/** Where the template files are: next to `src/` and `dist/` alike. */
export const TEMPLATE_DIR = join(__dirname, '..', 'template');

/**
 * Template files stored under another name. npm never packs a file named
 * `.gitignore` (it reads it as ignore rules), so the template ships it as
 * `gitignore`.
 */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** Text replaced in every template file. */
export interface TemplateValues {
  /** `__PACKAGE_NAME__`: the npm name of the new package. */
  packageName: string;
  /** `__DIR_NAME__`: the name of the directory it is written into. */
  dirName: string;
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
  return listFiles(templateDir, '').map((relative) => ({
    path: rename(relative),
    content: readFileSync(join(templateDir, relative), 'utf8')
      .replaceAll('__PACKAGE_NAME__', values.packageName)
      .replaceAll('__DIR_NAME__', values.dirName),
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
