import type { Response } from '@kapacitor-udf/core';

/**
 * Checks a UDF's output as Kapacitor would need it: no Response without a
 * message, batches balanced (for a batch edge), at most one ErrorResponse and
 * nothing after it. Returns the problems found (empty = fine).
 */
export function outputProblems(responses: Response[], edge: 'stream' | 'batch'): string[] {
  const problems: string[] = [];
  let open = false;
  responses.forEach((r, i) => {
    const kind = r.message?.$case;
    if (kind === undefined) problems.push(`#${i}: a Response with no message`);
    if (i > 0 && responses[i - 1].message?.$case === 'error') problems.push(`#${i}: ${kind} after the ErrorResponse`);
    if (edge === 'stream' && (kind === 'begin' || kind === 'end')) problems.push(`#${i}: ${kind} on a stream edge`);
    if (edge === 'batch') {
      if (kind === 'begin') {
        if (open) problems.push(`#${i}: BeginBatch inside an open batch`);
        open = true;
      } else if (kind === 'end') {
        if (!open) problems.push(`#${i}: EndBatch without BeginBatch`);
        open = false;
      } else if (kind === 'point' && !open) {
        problems.push(`#${i}: point outside a batch`);
      }
    }
  });
  return problems;
}
