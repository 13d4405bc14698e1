/**
 * The type tests of the decorators: test/fixtures/types/valid-declarations.ts must
 * compile, and every declaration in test/fixtures/types/mistakes.ts must be rejected,
 * in both decorator modes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as decorators from '@kapacitor-udf/decorators';
import * as classValidator from 'class-validator';
import { compileInMode, DECORATOR_MODES } from './helpers/compile-in-mode';

const read = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', 'types', name), 'utf8');
const VALID = read('valid-declarations.ts');
const MISTAKES = read('mistakes.ts');
const DIRECTIVE = '// @ts-expect-error';
const modules = { '@kapacitor-udf/decorators': decorators, 'class-validator': classValidator };

describe.each(DECORATOR_MODES)('typed decorators with %s decorators', (mode) => {
  it('accept correct declarations, which also define valid UDFs', () => {
    const compiled = compileInMode(mode, { 'valid-declarations.ts': VALID }, modules);
    expect(compiled.diagnostics).toEqual([]);
    const exported = compiled.run('valid-declarations.ts');
    for (const cls of Object.values(exported)) expect(decorators.isUdfClass(cls)).toBe(true);
  });

  it('reject every mistake (no @ts-expect-error is unused)', () => {
    expect(compileInMode(mode, { 'mistakes.ts': MISTAKES }, modules).diagnostics).toEqual([]);
  });

  it('reject each mistake on its own line, not through an unrelated error', () => {
    // Without the directives, exactly the line after each one has an error.
    const lines = MISTAKES.split('\n');
    const expected = lines.flatMap((line, i) => (line.trim().startsWith(DIRECTIVE) ? [i + 2] : []));
    const stripped = lines.map((line) => (line.trim().startsWith(DIRECTIVE) ? '' : line)).join('\n');
    const { diagnostics } = compileInMode(mode, { 'mistakes.ts': stripped }, modules);
    expect([...new Set(diagnostics.map((d) => d.line))]).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });
});
