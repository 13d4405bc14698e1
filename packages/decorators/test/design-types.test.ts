/**
 * `@Option()` without `type` takes the type from the property's declared
 * type where TypeScript records it (legacy decorators with
 * emitDecoratorMetadata, read through reflect-metadata), and says what to
 * write everywhere else.
 */
import 'reflect-metadata';
import * as decorators from '@kapacitor-udf/decorators';
import * as reflectMetadata from 'reflect-metadata';
import type * as ts from 'typescript';
import { compileInMode, type DecoratorMode } from './helpers/compile-in-mode';

const modules = { '@kapacitor-udf/decorators': decorators, 'reflect-metadata': reflectMetadata };
const WITH_DESIGN_TYPES: ts.CompilerOptions = { emitDecoratorMetadata: true };
const HEADER = `
  import 'reflect-metadata';
  import { Duration, OnPoint, Option, Udf, type Point } from '@kapacitor-udf/decorators';
`;

function udf(body: string): string {
  return `${HEADER}
    @Udf({ wants: 'stream', provides: 'stream', name: 'u' })
    export class U {
      ${body}
      @OnPoint() p(p: Point): Point { return p; }
    }
  `;
}

function compile(mode: DecoratorMode, body: string, extra = WITH_DESIGN_TYPES) {
  return compileInMode(mode, { 'u.ts': udf(body) }, modules, extra);
}

function definitionError(run: () => unknown): decorators.UdfDefinitionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(decorators.UdfDefinitionError);
    return error as decorators.UdfDefinitionError;
  }
  throw new Error('expected a UdfDefinitionError');
}

describe('with emitDecoratorMetadata and reflect-metadata (legacy decorators)', () => {
  it('takes string, boolean, bigint and Duration from the declared type; an explicit type wins', () => {
    const compiled = compile(
      'legacy',
      `
      @Option() label: string = 'x';
      @Option({ description: 'strict mode' }) strict: boolean = false;
      @Option() size: bigint = 10n;
      @Option({ name: 'every' }) period: Duration = Duration.seconds(1);
      @Option({ required: true }) db!: string;
      @Option() optional?: string;
      @Option({ type: 'double' }) ratio: number = 1;
      @Option({ type: 'int', int: 'number' }) count: number = 1;
    `,
    );
    expect(compiled.diagnostics).toEqual([]);
    const { U } = compiled.run('u.ts') as { U: decorators.UdfClass };
    expect(decorators.getUdfDefinition(U).options.map((o) => [o.name, o.valueTypes, o.int, o.required])).toEqual([
      ['label', ['string'], 'bigint', false],
      ['strict', ['bool'], 'bigint', false],
      ['size', ['int'], 'bigint', false],
      ['every', ['duration'], 'bigint', false],
      ['db', ['string'], 'bigint', true],
      ['optional', ['string'], 'bigint', false],
      ['ratio', ['double'], 'bigint', false],
      ['count', ['int'], 'number', false],
    ]);
  });

  it.each([
    [
      'a number',
      'n: number = 1',
      "@Option on U.n: the option has no type and the property is a number, which may be an int or a double: write { type: 'int', int: 'number' } or { type: 'double' }",
    ],
    [
      'a union',
      "v: string | number = 'a'",
      "@Option on U.v: the option has no type and its declared type (design type Object: a union, an array, another class, or no annotation) names no option type; write { type: 'int' } or { type: 'double' } (or 'string', 'bool', 'duration', or types: [...] for several values)",
    ],
  ])('refuses %s, at compile time and when the class is defined', (_what, declaration, message) => {
    const compiled = compile('legacy', `@Option() ${declaration};`);
    expect(compiled.diagnostics.map((d) => d.code)).toEqual([1240]);
    expect(compiled.diagnostics[0].message).toContain('& OptionTypeNotInferable');
    const error = definitionError(() => compiled.run('u.ts'));
    expect(error.code).toBe('ERR_OPTION_NO_TYPE');
    expect(error.message).toBe(message);
  });

  it('refuses a property without annotation (its design type is Object)', () => {
    const compiled = compile('legacy', `@Option() label = 'x';`);
    expect(compiled.diagnostics).toEqual([]); // the compiler sees the inferred string; the design type does not
    expect(definitionError(() => compiled.run('u.ts')).message).toContain(
      '@Option on U.label: the option has no type and its declared type (design type Object',
    );
  });
});

describe('without design types', () => {
  const NO_TYPE =
    "@Option on U.label: the option has no type; give { type: 'int' } for one value, { types: ['string', 'double'] } for several, or { flag: true } for none (a string, boolean, bigint or Duration property may leave it out with emitDecoratorMetadata and reflect-metadata)";

  it('legacy decorators without emitDecoratorMetadata: a definition error that says what to write', () => {
    const compiled = compile('legacy', `@Option() label: string = 'x';`, {});
    expect(compiled.diagnostics).toEqual([]);
    expect(definitionError(() => compiled.run('u.ts')).message).toBe(NO_TYPE);
  });

  it('TC39 decorators: a compile error, and the same definition error untyped', () => {
    const compiled = compile('standard', `@Option() label: string = 'x';`);
    expect(compiled.diagnostics.map((d) => d.code)).toEqual([1240]);
    expect(compiled.diagnostics[0].message).toContain('TC39 decorators record no design types');
    expect(definitionError(() => compiled.run('u.ts')).message).toBe(NO_TYPE);
  });

  it('an explicit type works in both modes, with or without design types', () => {
    for (const mode of ['legacy', 'standard'] as const) {
      for (const extra of [{}, WITH_DESIGN_TYPES]) {
        if (mode === 'standard' && extra === WITH_DESIGN_TYPES) continue; // emitDecoratorMetadata needs experimentalDecorators
        const compiled = compile(mode, `@Option({ type: 'double' }) ratio: number = 1;`, extra);
        expect(compiled.diagnostics).toEqual([]);
        const { U } = compiled.run('u.ts') as { U: decorators.UdfClass };
        expect(decorators.getUdfDefinition(U).options[0].valueTypes).toEqual(['double']);
      }
    }
  });
});
