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

  it('say first what a mistyped option property must be, in one short error', () => {
    const source = `
      import { Option, OnPoint, Udf, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class Mistyped {
        @Option({ type: 'int' }) size = 10;
        @Option({ types: ['string', 'double'], required: true }) field!: [string, bigint];
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const { diagnostics } = compileInMode(mode, { 'mistyped.ts': source }, modules);
    expect(diagnostics.map((d) => d.line)).toEqual([5, 6]);
    const [size, field] = diagnostics.map((d) => d.message.split('\n'));
    // Line 1 is TypeScript's own for a refused decorator; line 2 names the type to declare.
    expect(size[1]).toMatch(/is not assignable to parameter of type '.*OptionTypeMismatch<bigint \| undefined>'\.$/);
    expect(field[1]).toMatch(/is not assignable to parameter of type '.*OptionTypeMismatch<\[string, number\]>'\.$/);
    // Not one report per overload.
    for (const lines of [size, field]) {
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(lines.join('\n')).not.toMatch(/Overload/);
    }
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
