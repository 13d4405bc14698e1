/**
 * class-validator under both decorator modes. Each source below is
 * type-checked and compiled by TypeScript as a user's project would be, once
 * with `experimentalDecorators` and once with TC39 decorators, then run
 * through the agent.
 */

import * as decorators from '@kapacitor-udf/decorators';
import * as classValidator from 'class-validator';
import { compileInMode, DECORATOR_MODES } from './helpers/compile-in-mode';
import { converse, init, opt } from './helpers/conversation';

const modules = { '@kapacitor-udf/decorators': decorators, 'class-validator': classValidator };

const ADAPTED = `
  import { IsIn, Max, Min, MinLength } from 'class-validator';
  import { Udf, Option, OnPoint, ValidateWith, type Point } from '@kapacitor-udf/decorators';

  export class Base {
    @ValidateWith(MinLength(2)) @Option({ type: 'string' }) label = 'ok';
  }

  @Udf({ wants: 'stream', provides: 'stream', name: 'validated' })
  export class Validated extends Base {
    @ValidateWith(Min(1), Max(10)) @Option({ type: 'int', int: 'number' }) size = 5;
    @Option({ type: 'string', name: 'method', validate: [IsIn(['mean', 'median'])] }) aggregation = 'mean';
    @OnPoint() p(p: Point): Point { return p; }
  }

  // A second UDF on the same base: the base's validator must still run once.
  @Udf({ wants: 'stream', provides: 'stream' })
  export class Sibling extends Base {
    @OnPoint() p(p: Point): Point { return p; }
  }
`;

describe.each(DECORATOR_MODES)('class-validator with %s decorators', (mode) => {
  const compiled = compileInMode(mode, { 'adapted.ts': ADAPTED }, modules);
  const { Validated, Sibling } = compiled.run('adapted.ts') as Record<string, decorators.UdfClass>;

  it('@ValidateWith and @Option({ validate }) type-check', () => {
    expect(compiled.diagnostics).toEqual([]);
  });

  it('accept valid values', async () => {
    const [response] = await converse(Validated, init([opt('size', 10n), opt('method', 'median'), opt('label', 'abc')]));
    expect(response).toEqual({ $case: 'init', value: { success: true, error: '' } });
  });

  it('report each failed constraint once, with the TICKscript name, inherited ones too', async () => {
    const [response] = await converse(Validated, init([opt('size', 11n), opt('method', 'max'), opt('label', 'x')]));
    expect((response.value as { error: string }).error.split('\n').sort()).toEqual([
      "option 'label': must be longer than or equal to 2 characters (given 'x')",
      "option 'method': must be one of the following values: mean, median (given 'max')",
      "option 'size': must not be greater than 10 (given 11)",
    ]);
    const [sibling] = await converse(Sibling, init([opt('label', 'y')]));
    expect((sibling.value as { error: string }).error).toBe("option 'label': must be longer than or equal to 2 characters (given 'y')");
  });

  it('say when a validator factory was not called', () => {
    const source = `
      import { Min } from 'class-validator';
      import { Udf, Option, OnPoint, ValidateWith, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class Uncalled {
        @ValidateWith(Min as never) @Option({ type: 'int', int: 'number' }) size = 5;
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const uncalled = compileInMode(mode, { 'uncalled.ts': source }, modules);
    expect(uncalled.diagnostics).toEqual([]);
    expect(() => uncalled.run('uncalled.ts')).toThrow(
      expect.objectContaining({
        name: 'UdfDefinitionError',
        code: 'ERR_OPTION_INVALID',
        message: 'validator on Uncalled.size returned a function: Min is a decorator factory; call it with its arguments, e.g. Min(1)',
      }),
    );
  });

  it('reject a validator that is not a decorator when the class is defined', () => {
    const source = `
      import { Udf, Option, OnPoint, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class NotAFunction {
        @Option({ type: 'int', validate: [1 as never] }) size = 5n;
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const wrong = compileInMode(mode, { 'wrong.ts': source }, modules);
    expect(() => wrong.run('wrong.ts')).toThrow(
      '@Option on size: validator 1 is number, not a decorator; pass class-validator decorators called with their arguments, e.g. Min(1)',
    );
  });
});

describe.each(DECORATOR_MODES)('bigint int options with %s decorators', (mode) => {
  const BOUNDED = `
    import { IsIn } from 'class-validator';
    import { Udf, Option, OnPoint, ValidateWith, MinBigInt, MaxBigInt, type Point } from '@kapacitor-udf/decorators';
    @Udf({ wants: 'stream', provides: 'stream' })
    export class Bounded {
      @Option({ type: 'int', validate: [MinBigInt(1n)] }) window = 1n;
      @ValidateWith(MinBigInt(-9223372036854775808n), MaxBigInt(9223372036854775806n)) @Option({ type: 'int' }) big = 0n;
      @Option({ type: 'int', validate: [IsIn([2n, 4n])] }) step = 2n;
      @OnPoint() p(p: Point): Point { return p; }
    }
  `;

  it('MinBigInt and MaxBigInt compare exactly, across all of int64', async () => {
    const compiled = compileInMode(mode, { 'bounded.ts': BOUNDED }, modules);
    expect(compiled.diagnostics).toEqual([]);
    const { Bounded } = compiled.run('bounded.ts') as Record<string, decorators.UdfClass>;
    const ok = await converse(Bounded, init([opt('window', 5n), opt('big', 9223372036854775806n), opt('step', 4n)]));
    expect(ok[0]).toEqual({ $case: 'init', value: { success: true, error: '' } });
    const [refused] = await converse(Bounded, init([opt('window', 0n), opt('big', 9223372036854775807n), opt('step', 3n)]));
    expect((refused.value as { error: string }).error.split('\n').sort()).toEqual([
      "option 'big': must not be greater than 9223372036854775806 (given 9223372036854775807)",
      "option 'step': must be one of the following values: 2, 4 (given 3)",
      "option 'window': must not be less than 1 (given 0)",
    ]);
  });

  it.each([
    ['Min(1)', 'Min', 'MinBigInt(1n)'],
    ['Max(10)', 'Max', 'MaxBigInt(10n)'],
    ['IsPositive()', 'IsPositive', 'MinBigInt(1n)'],
    ['IsNegative()', 'IsNegative', 'MaxBigInt(-1n)'],
    ['IsInt()', 'IsInt', 'nothing: the option already delivers an integer'],
    ['IsIn([1, 2])', 'IsIn', 'IsIn with bigints (1n, 2n)'],
  ])('refuses class-validator %s on a bigint option when @Udf runs, naming what to use', (call, decorator, instead) => {
    const source = `
      import { ${decorator} } from 'class-validator';
      import { Udf, Option, OnPoint, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class Windowed {
        @Option({ type: 'int', validate: [${call}] }) window = 1n;
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const compiled = compileInMode(mode, { 'windowed.ts': source }, modules);
    expect(compiled.diagnostics).toEqual([]);
    expect(() => compiled.run('windowed.ts')).toThrow(
      expect.objectContaining({
        name: 'UdfDefinitionError',
        code: 'ERR_OPTION_INVALID',
        message:
          `Windowed.window: class-validator's ${decorator} accepts only numbers, and option 'window' delivers bigints (type 'int'): ` +
          `every Init would fail. Use ${instead} (MinBigInt and MaxBigInt come from @kapacitor-udf/decorators), ` +
          "or declare the option { type: 'int', int: 'number' } to get numbers.",
      }),
    );
  });

  it('says why a number validator failed on a bigint property that is no option, instead of contradicting itself', async () => {
    const source = `
      import { Min } from 'class-validator';
      import { Udf, OnPoint, ValidateWith, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class Plain {
        @ValidateWith(Min(1)) limit = 5n;
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const { Plain } = compileInMode(mode, { 'plain.ts': source }, modules).run('plain.ts') as Record<string, decorators.UdfClass>;
    const [response] = await converse(Plain, init([]));
    expect((response.value as { error: string }).error).toBe(
      "property 'limit': class-validator's min accepts only numbers, and the value is a bigint (5n): use MinBigInt/MaxBigInt from @kapacitor-udf/decorators",
    );
  });

  it("keeps class-validator's number validators for int: 'number' options", async () => {
    const source = `
      import { Min } from 'class-validator';
      import { Udf, Option, OnPoint, type Point } from '@kapacitor-udf/decorators';
      @Udf({ wants: 'stream', provides: 'stream' })
      export class AsNumber {
        @Option({ type: 'int', int: 'number', validate: [Min(1)] }) window = 1;
        @OnPoint() p(p: Point): Point { return p; }
      }
    `;
    const { AsNumber } = compileInMode(mode, { 'as-number.ts': source }, modules).run('as-number.ts') as Record<
      string,
      decorators.UdfClass
    >;
    const [response] = await converse(AsNumber, init([opt('window', 0n)]));
    expect((response.value as { error: string }).error).toBe("option 'window': must not be less than 1 (given 0)");
  });
});

describe('class-validator decorators written directly on a property', () => {
  const DIRECT = `
    import { Min } from 'class-validator';
    import { Udf, Option, OnPoint, type Point } from '@kapacitor-udf/decorators';
    @Udf({ wants: 'stream', provides: 'stream' })
    export class Direct {
      @Min(1) @Option({ type: 'int', int: 'number' }) size = 5;
      @OnPoint() p(p: Point): Point { return p; }
    }
  `;

  it('work with experimentalDecorators', async () => {
    const compiled = compileInMode('legacy', { 'direct.ts': DIRECT }, modules);
    expect(compiled.diagnostics).toEqual([]);
    const { Direct } = compiled.run('direct.ts') as Record<string, decorators.UdfClass>;
    const [response] = await converse(Direct, init([opt('size', 0n)]));
    expect((response.value as { error: string }).error).toBe("option 'size': must not be less than 1 (given 0)");
  });

  it('are refused when numeric on a bigint option, with experimentalDecorators', () => {
    const source = DIRECT.replace("{ type: 'int', int: 'number' }) size = 5", "{ type: 'int' }) size = 5n");
    const compiled = compileInMode('legacy', { 'direct-bigint.ts': source }, modules);
    expect(compiled.diagnostics).toEqual([]);
    expect(() => compiled.run('direct-bigint.ts')).toThrow(
      /^Direct\.size: class-validator's Min accepts only numbers.* Use MinBigInt\(1n\)/,
    );
  });

  it('are a type error under TC39 decorators (use @ValidateWith there)', () => {
    // class-validator's decorators are legacy-only: run untyped they throw
    // inside class-validator before @Udf can run (see the README).
    const compiled = compileInMode('standard', { 'direct.ts': DIRECT }, modules);
    expect(compiled.diagnostics.map((d) => [d.code, d.line])).toEqual([[1240, 6]]);
  });
});
