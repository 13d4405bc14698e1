import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The committed ts-proto output must be what `npm run generate` produces from
 * proto/udf.proto today: regenerate into a temporary directory (with the
 * repository's own buf.gen.yaml) and compare. Two outputs: the types-only
 * src/protocol/udf.ts core uses at run time, and the full codec
 * src/generated/udf.ts, the differential reference of tests and the bench.
 */
test.each(['packages/core/src/protocol/udf.ts', 'packages/core/src/generated/udf.ts'])(
  '%s is up to date with proto/udf.proto',
  (file) => {
    const root = path.resolve(__dirname, '../../..');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'udf-generate-'));
    try {
      const buf = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'buf.cmd' : 'buf');
      execFileSync(buf, ['generate', '--output', out], { cwd: root, stdio: 'pipe' });
      const fresh = fs.readFileSync(path.join(out, file), 'utf8');
      const committed = fs.readFileSync(path.join(root, file), 'utf8');
      if (fresh !== committed) {
        throw new Error(`${file} is out of date with proto/udf.proto: run \`npm run generate\` and commit the result`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
  120_000,
);
