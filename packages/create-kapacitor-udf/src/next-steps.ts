import { isAbsolute, join, relative } from 'node:path';
import type { CreatedPackage } from './create-package';
import { shellQuote } from './shell-quote';
import { EXAMPLE_UDF_NAME } from './udf-name';
import { ownVersion } from './versions';

/**
 * What to type next, printed after the package was written.
 * @param runningFromClone the clone this scaffold runs from, when it does and
 *   `--from` was not given: its version may not be on the registry yet.
 */
export function nextSteps(created: CreatedPackage, cwd: string, runningFromClone?: string): string {
  // A path below the current directory is shorter to type; anything else is clearer absolute.
  const below = relative(cwd, created.dir);
  const where = below.startsWith('..') || isAbsolute(below) ? created.dir : below;
  const origin =
    created.clone === undefined
      ? ''
      : ` (the @kapacitor-udf packages ${created.clone.version} packed from ${created.clone.root} into vendor/)`;
  const lines = [`Created ${created.name} in ${created.dir} with the example UDF ${EXAMPLE_UDF_NAME}${origin}.`, ''];
  if (runningFromClone !== undefined) {
    lines.push(
      `Note: this create-kapacitor-udf runs from a clone (${runningFromClone}), and the package installs`,
      `@kapacitor-udf/* ^${ownVersion()} from the registry. If that version is not published, npm install`,
      "fails with E404: write the package again with the clone's packages (--from):",
      `  node ${shellQuote(join(runningFromClone, 'packages', 'create-kapacitor-udf', 'bin', 'create-kapacitor-udf.js'))} ${shellQuote(created.dir)} --force --from ${shellQuote(runningFromClone)}`,
      '',
    );
  }
  lines.push('Next steps:');
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
