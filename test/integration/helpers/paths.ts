import * as path from 'node:path';
import { ROOT, UDF_RUN_BIN } from '../../support/udf-run';

export { ROOT };
/** The built udf-run binary the tests spawn (never the sources). */
export const BIN = UDF_RUN_BIN;
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'udfs');
export const fixture = (name: string): string => path.join(FIXTURES, name);
