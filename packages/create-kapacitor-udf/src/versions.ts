import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaffoldError } from './errors';

/**
 * The class-validator range the framework itself depends on
 * (`@kapacitor-udf/decorators`): the generated UDF imports its validators, and
 * one copy of class-validator for both keeps the validation metadata in one
 * place. test/versions.test.ts keeps it equal to the decorators package.
 */
export const CLASS_VALIDATOR_RANGE = '^0.15.1';

/**
 * The tools a generated package builds and tests with: the versions this
 * repository is built and tested with (test/versions.test.ts keeps them equal
 * to the root package.json), so what the scaffold writes is what is known to work.
 */
export const DEV_TOOL_RANGES: Readonly<Record<string, string>> = {
  '@types/jest': '^29.5.14',
  '@types/node': '^20.19.43',
  jest: '^29.7.0',
  'ts-jest': '^29.4.15',
  typescript: '5.9.3',
};

/**
 * This package's own version, read from its package.json when the scaffold
 * runs: the @kapacitor-udf packages are released together with it, so a
 * scaffold of version X writes `^X` for them. The file sits one level above
 * both `src/` (tests) and `dist/` (the installed package).
 */
export function ownVersion(): string {
  const file = join(__dirname, '..', 'package.json');
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
  } catch (err) {
    throw incomplete(`${file} cannot be read (${(err as Error).message})`);
  }
  if (typeof version !== 'string' || version.length === 0) throw incomplete(`${file} has no version`);
  return version;
}

function incomplete(reason: string): ScaffoldError {
  return new ScaffoldError(
    'ERR_INCOMPLETE_INSTALL',
    `${reason}: create-kapacitor-udf is installed incompletely; reinstall it (or run "npm create kapacitor-udf@latest").`,
  );
}
