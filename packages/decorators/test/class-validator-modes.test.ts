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

  it('are a type error under TC39 decorators (use @ValidateWith there)', () => {
    // class-validator's decorators are legacy-only: run untyped they throw
    // inside class-validator before @Udf can run (see the README).
    const compiled = compileInMode('standard', { 'direct.ts': DIRECT }, modules);
    expect(compiled.diagnostics.map((d) => [d.code, d.line])).toEqual([[1240, 6]]);
  });
});
