/**
 * The decorators also work as TC39 standard decorators (TypeScript without
 * `experimentalDecorators`). This repository compiles with
 * experimentalDecorators, so these UDFs are compiled here with the
 * TypeScript compiler in standard-decorator mode and then run.
 */

import * as decorators from '@kapacitor-udf/decorators';
import * as ts from 'typescript';
import { converse, init, opt, point, snapshot } from './helpers/conversation';

/** Compiles `source` with standard decorators and returns its exports. */
function compileStandard(source: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: false,
    },
  });
  expect(outputText).toContain('__esDecorate'); // really the standard-decorator emit
  const module = { exports: {} as Record<string, unknown> };
  const requireStub = (name: string) => {
    if (name === '@kapacitor-udf/decorators') return decorators;
    throw new Error(`unexpected import ${name}`);
  };
  new Function('require', 'module', 'exports', outputText)(requireStub, module, module.exports);
  return module.exports;
}

describe('TC39 standard decorators', () => {
  const compiled = compileStandard(`
    import { Udf, Option, OnPoint, OnInit, State, Duration } from '@kapacitor-udf/decorators';

    @Udf({ wants: 'stream', provides: 'stream', name: 'std' })
    export class Std {
      @Option({ type: 'int' }) size = 10n;
      @Option({ types: ['string', 'double'] }) field = ['v', 1.0];
      @Option({ flag: true }) on = false;
      @Option({ type: 'duration', name: 'every' }) period = Duration.seconds(5);
      @State() count = 0;
      tag = '';
      @OnInit() start(ctx) { this.tag = ctx.nodeID; }
      @OnPoint() p(p) {
        this.count++;
        return { ...p, name: [p.name, this.size, this.field.join('='), this.on, this.period, this.tag, this.count].join(':') };
      }
    }

    export class Base {
      @Option({ type: 'string' }) label = 'base';
      @OnPoint() p(p) { return { ...p, name: this.label + '/' + this.ratio }; }
    }

    @Udf({ wants: 'stream', provides: 'stream' })
    export class Derived extends Base {
      @Option({ type: 'double' }) ratio = 1.5;
    }
  `);
  const Std = compiled.Std as decorators.UdfClass;
  const Derived = compiled.Derived as decorators.UdfClass;

  it('declare the same definition as legacy decorators', () => {
    expect(decorators.isUdfClass(Std)).toBe(true);
    const definition = decorators.getUdfDefinition(Std);
    expect(definition.options.map((o) => [o.name, o.property, o.shape, o.valueTypes])).toEqual([
      ['size', 'size', 'single', ['int']],
      ['field', 'field', 'tuple', ['string', 'double']],
      ['on', 'on', 'flag', []],
      ['every', 'period', 'single', ['duration']],
    ]);
    expect(definition.handlers).toEqual({ init: 'start', point: 'p' });
    expect(definition.state).toEqual(['count']);
    expect(decorators.describeUdf(Std).example).toBe("@std().size(10).field('v', 1.0).on().every(5s)");
  });

  it('run through the agent', async () => {
    const responses = await converse(
      Std,
      init([opt('size', 3n), opt('field', 'x', 2.5), opt('on'), opt('every', decorators.Duration.minutes(1))], { nodeID: 'n9' }),
      point(),
      snapshot(),
    );
    expect(responses.map((r) => r.$case)).toEqual(['init', 'point', 'snapshot']);
    expect(responses[0].value).toEqual({ success: true, error: '' });
    expect(responses[1].value).toMatchObject({ name: 'cpu:3:x=2.5:true:1m0s:n9:1' });
  });

  it('inherit from an undecorated base class', async () => {
    expect(decorators.getUdfDefinition(Derived).options.map((o) => o.name)).toEqual(['label', 'ratio']);
    expect(decorators.isUdfClass(compiled.Base)).toBe(false);
    const responses = await converse(Derived, init([opt('label', 'L')]), point());
    expect(responses[1].value).toMatchObject({ name: 'L/1.5' });
  });

  it('report definition errors when the class is defined', () => {
    expect(() =>
      compileStandard(`
        import { Udf, OnPoint } from '@kapacitor-udf/decorators';
        @Udf({ wants: 'stream', provides: 'stream' })
        export class Twice { @OnPoint() a(p) { return p; } @OnPoint() b(p) { return p; } }
      `),
    ).toThrow('Twice has two @OnPoint handlers (a and b); a UDF has at most one of each');
    expect(() =>
      compileStandard(`
        import { Option } from '@kapacitor-udf/decorators';
        export class Static { @Option({ type: 'int' }) static size = 1; }
      `),
    ).toThrow('@Option on size: @Option needs a public, non-static property with a string name');
    expect(() =>
      compileStandard(`
        import { OnPoint } from '@kapacitor-udf/decorators';
        export class Getter { @OnPoint() get p() { return 1; } }
      `),
    ).toThrow('@OnPoint on p: @OnPoint decorates a method, not a getter');
  });
});
