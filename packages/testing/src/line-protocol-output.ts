import { formatLine } from '@kapacitor-udf/replay';
import type { Emitted } from './emitted';

/**
 * What a UDF emitted as line protocol, one point per line (each line ends in
 * a newline), the way `udf-run --replay` prints it: a point inside a batch
 * takes the batch's name. Pin a recording's output as a fixture with it.
 */
export function formatEmitted(emitted: readonly Emitted[]): string {
  let out = '';
  let batchName: string | undefined;
  for (const m of emitted) {
    if (m.$case === 'begin') batchName = m.value.name;
    else if (m.$case === 'end') batchName = undefined;
    else out += `${formatLine(batchName === undefined ? m.value : { ...m.value, name: batchName })}\n`;
  }
  return out;
}
