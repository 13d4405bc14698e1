import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../../../test/support/build';

/**
 * What loading core costs a user: the built package, required the way a UDF
 * requires it, loads its own modules and nothing of the generated ts-proto
 * codec (src/generated, the tests' and the bench's reference) or of
 * @bufbuild/protobuf (a devDependency). The protocol's enums come from the
 * types-only src/protocol/udf.ts.
 */
beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

test('requiring @kapacitor-udf/core loads no generated codec and no @bufbuild/protobuf', () => {
  const dist = path.join(REPO_ROOT, 'packages', 'core', 'dist');
  const script = `const core = require(${JSON.stringify(dist)});
    if (core.EdgeType.BATCH !== 1 || core.ValueType.DURATION !== 4) throw new Error('enums missing');
    console.log(JSON.stringify(Object.keys(require.cache)));`;
  const loaded = (JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[]).map((file) =>
    path.relative(REPO_ROOT, file).split(path.sep).join('/'),
  );
  expect(loaded).toContain('packages/core/dist/protocol/udf.js');
  expect(loaded.filter((file) => file.includes('/generated/') || file.includes('@bufbuild'))).toEqual([]);
});
