import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The built udf-run binary the tests spawn (never the sources). */
export const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'udf-run.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'udfs');
export const fixture = (name: string): string => path.join(FIXTURES, name);
