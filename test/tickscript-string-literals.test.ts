/**
 * The TICKscript string literals our messages and examples print read back
 * as the same text under Kapacitor's rules. The reader here is the replay's
 * `--tick` parser, which unescapes as Kapacitor's lexer and tick/ast
 * newString do: only \' in single quotes, nothing in triple quotes.
 */

import { parseTickOptions } from '@kapacitor-udf/replay';
import fc from 'fast-check';
import { stringLiteral } from '../packages/decorators/src/tickscript-literal';

/** Texts that no TICKscript literal can hold: a backslash before a quote or at the end, and ''' or a final quote. */
const unwritable = (text: string): boolean => /\\('|$)/.test(text) && (text.includes("'''") || text.endsWith("'"));

function readBack(literal: string): unknown {
  const [option] = parseTickOptions(`.s(${literal})`);
  const [value] = option.values;
  return value.value?.$case === 'stringValue' ? value.value.value : value;
}

test.each([['a\\b'], ['C:\\dir\\'], ["it's"], ["say \\'hi"], [''], ["'"], ['\\'], ["''"], ['\\n']])(
  'stringLiteral(%j) reads back as the same text',
  (text) => {
    expect(readBack(stringLiteral(text))).toBe(text);
  },
);

test('any text made of quotes, backslashes and letters reads back as itself', () => {
  const text = fc.array(fc.constantFrom("'", '\\', 'a', ' ', '"'), { maxLength: 12 }).map((chars) => chars.join(''));
  fc.assert(
    fc.property(
      text.filter((t) => !unwritable(t)),
      (t) => readBack(stringLiteral(t)) === t,
    ),
    { numRuns: 2000 },
  );
});
