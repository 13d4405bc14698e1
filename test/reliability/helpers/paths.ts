import { existsSync } from 'node:fs';
import * as path from 'node:path';

import { ROOT, UDF_RUN_PROGRAM } from '../../support/udf-run';

export { ROOT };
/** The built udf-run binary (never the sources): what Kapacitor would start. */
export const UDF_RUN = UDF_RUN_PROGRAM;
/** The mirror example package: `udf-run mirror` run from here finds its built UDFs. */
export const MIRROR_DIR = path.join(ROOT, 'examples', 'mirror');
export const FIXTURES = path.join(__dirname, '..', 'fixtures');
/** Fixture UDFs (faulty, slow, unbalanced, options): run with `--module`. */
export const FIXTURE_UDFS = path.join(FIXTURES, 'udfs.js');

/**
 * Fails with an explanation when the packages are not built: these tests
 * drive the built binary and the built examples, exactly as deployed.
 */
export function requireBuilt(): void {
  const needed = [UDF_RUN, path.join(ROOT, 'packages', 'decorators', 'dist', 'index.js'), path.join(MIRROR_DIR, 'dist', 'index.js')];
  const missing = needed.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(`missing build output: ${missing.join(', ')}. Run \`npm run build\` at the repository root first.`);
  }
}
