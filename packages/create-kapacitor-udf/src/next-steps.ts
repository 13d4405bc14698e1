import { isAbsolute, relative } from 'node:path';
import type { CreatedPackage } from './create-package';
import { EXAMPLE_UDF_NAME } from './udf-name';

/** What to type next, printed after the package was written. */
export function nextSteps(created: CreatedPackage, cwd: string): string {
  // A path below the current directory is shorter to type; anything else is clearer absolute.
  const below = relative(cwd, created.dir);
  const where = below.startsWith('..') || isAbsolute(below) ? created.dir : below;
  const lines = [`Created ${created.name} in ${created.dir} with the example UDF ${EXAMPLE_UDF_NAME}.`, '', 'Next steps:'];
  if (where !== '') lines.push(`  cd ${shellQuote(where)}`);
  lines.push(
    '  npm install',
    '  npm test',
    '  npm run build',
    `  npx udf-run ${EXAMPLE_UDF_NAME} --describe    # its options, kapacitor.conf section and TICKscript line`,
    '',
    'README.md shows how to configure Kapacitor for it.',
  );
  return lines.join('\n');
}

/** `text` as one shell word: quoted only when it has to be. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
