// biome-ignore-all lint/correctness/noUnusedVariables: each class here is declared for the UdfDefinitionError its decorators throw
import {
  getUdfDefinition,
  isUdfClass,
  OnBatch,
  OnBeginBatch,
  OnEndBatch,
  OnInit,
  OnPoint,
  OnRestore,
  OnSnapshot,
  Option,
  type Point,
  State,
  Udf,
  UdfDefinitionError,
} from '@kapacitor-udf/decorators';

/** Runs `define` (which declares a class) and returns the UdfDefinitionError it throws. */
function definitionError(define: () => unknown): UdfDefinitionError {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(UdfDefinitionError);
    return error as UdfDefinitionError;
  }
  throw new Error('expected a UdfDefinitionError, nothing was thrown');
}

describe('definition errors are thrown when the class is decorated', () => {
  it('two point handlers', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class TwoPoints {
        @OnPoint() a(p: Point) {
          return p;
        }
        @OnPoint() b(p: Point) {
          return p;
        }
      }
    });
    expect(error.code).toBe('ERR_DUPLICATE_HANDLER');
    expect(error.message).toBe('TwoPoints has two @OnPoint handlers (a and b); a UDF has at most one of each');
  });

  it('batch handlers on a stream UDF', () => {
    for (const decorate of [OnBatch, OnBeginBatch, OnEndBatch]) {
      const error = definitionError(() => {
        @Udf({ wants: 'stream', provides: 'stream' })
        class StreamWithBatch {
          @OnPoint() p(p: Point) {
            return p;
          }
          @decorate() other() {}
        }
      });
      expect(error.code).toBe('ERR_BATCH_HANDLER_ON_STREAM');
      expect(error.message).toMatch(/^StreamWithBatch wants 'stream' but declares batch handlers \(@On\w+ other\)/);
    }
  });

  it('@OnBatch together with per-message handlers', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'batch', provides: 'batch' })
      class Mixed {
        @OnBatch() b() {}
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_HANDLER_CONFLICT');
    expect(error.message).toContain('Mixed declares @OnBatch together with @OnPoint p');
  });

  it('no data handler', () => {
    const stream = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Idle {
        @OnInit() init() {}
      }
    });
    expect(stream.code).toBe('ERR_NO_DATA_HANDLER');
    expect(stream.message).toBe('Idle has no @OnPoint handler: it would ignore all input; add one');
    const batch = definitionError(() => {
      @Udf({ wants: 'batch', provides: 'stream' })
      class IdleBatch {}
    });
    expect(batch.code).toBe('ERR_NO_DATA_HANDLER');
  });

  it('duplicate option names (explicit name clashing with a property name)', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Dup {
        @Option({ type: 'string' }) field = 'a';
        @Option({ type: 'string', name: 'field' }) other = 'b';
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_DUPLICATE_OPTION');
    expect(error.message).toBe("Dup: option name 'field' is used by both Dup.field and Dup.other; give one of them another { name }");
  });

  it('two @Option decorators on one property', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Twice {
        @Option({ type: 'string' })
        // @ts-expect-error the compiler also sees that an int option cannot fill a string; the run-time check is for untyped code
        @Option({ type: 'int' })
        field = 'a';
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_DUPLICATE_OPTION');
    expect(error.message).toBe('Twice.field has two @Option decorators; keep one');
  });

  it('an option without a type', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Untyped {
        // @ts-expect-error a number property names no option type; the compiler says so too
        @Option({}) size = 1;
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_OPTION_NO_TYPE');
    expect(error.message).toBe(
      "@Option on Untyped.size: the option has no type; give { type: 'int' } for one value, { types: ['string', 'double'] } for several, or { flag: true } for none (a string, boolean, bigint or Duration property may leave it out with emitDecoratorMetadata and reflect-metadata)",
    );
  });

  it.each([
    [{ type: 'int', types: ['int'] }, 'ERR_OPTION_CONFLICTING_SHAPE', "use only one of 'type', 'types' and 'flag'"],
    [{ type: 'float' }, 'ERR_OPTION_INVALID', 'unknown value type "float" (use one of bool, int, double, string, duration)'],
    [{ types: [] }, 'ERR_OPTION_INVALID', "'types' is empty; for an option without values use { flag: true }"],
    [{ types: 'int' }, 'ERR_OPTION_INVALID', "'types' must be an array of value types"],
    [{ flag: true, required: true }, 'ERR_OPTION_INVALID', "a flag cannot be 'required'"],
    [{ flag: true, repeatable: true }, 'ERR_OPTION_INVALID', "a flag cannot be 'repeatable'"],
    [{ type: 'string', int: 'number' }, 'ERR_OPTION_INVALID', "'int' applies only to options with an 'int' value"],
    [{ type: 'int', int: 'float' }, 'ERR_OPTION_INVALID', `'int' must be 'bigint' or 'number', got "float"`],
    [{ type: 'int', requried: true }, 'ERR_OPTION_INVALID', "unknown setting 'requried'"],
    [{ type: 'int', name: 'my-size' }, 'ERR_OPTION_INVALID', 'the option name "my-size" is not a TICKscript identifier'],
    [{ type: 'int', required: 'yes' }, 'ERR_OPTION_INVALID', "'required' must be a boolean"],
  ])('invalid option settings %p', (config, code, message) => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Bad {
        // @ts-expect-error the settings are wrong on purpose: the compiler rejects them too
        @Option(config as never) size = 1;
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe(code);
    expect(error.message).toContain(`@Option on Bad.size: ${message}`);
  });

  it.each([
    [{ wants: 'strem', provides: 'stream' }, `'wants' must be 'stream' or 'batch', got "strem"`],
    [{ wants: 'stream', provides: 'batches' }, `'provides' must be 'stream' or 'batch', got "batches"`],
    [{ wants: 'stream', provides: 'stream', name: 'moving-avg' }, 'the UDF name "moving-avg" is not a TICKscript identifier'],
    [{ wants: 'stream', provides: 'stream', stateVersion: 0 }, 'stateVersion must be a positive integer, got 0'],
    [{ wants: 'stream', provides: 'stream', provide: 'stream' }, "unknown setting 'provide'"],
  ])('invalid @Udf settings %p', (config, message) => {
    const error = definitionError(() => {
      @Udf(config as never)
      class BadUdf {
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_UDF_CONFIG');
    expect(error.message).toContain(`@Udf on BadUdf: ${message}`);
  });

  it('@OnSnapshot without @OnRestore (and the reverse)', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class HalfSnapshot {
        @OnPoint() p() {}
        @OnSnapshot() s() {
          return new Uint8Array();
        }
      }
    });
    expect(error.code).toBe('ERR_SNAPSHOT_RESTORE_PAIR');
    expect(error.message).toBe('HalfSnapshot declares @OnSnapshot without @OnRestore; write both, or use @State() properties instead');
    const reverse = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class HalfRestore {
        @OnPoint() p() {}
        @OnRestore() r() {}
      }
    });
    expect(reverse.code).toBe('ERR_SNAPSHOT_RESTORE_PAIR');
  });

  it('@State together with @OnSnapshot/@OnRestore', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class Both {
        @State() count = 0;
        @OnPoint() p() {}
        @OnSnapshot() s() {
          return new Uint8Array();
        }
        @OnRestore() r() {}
      }
    });
    expect(error.code).toBe('ERR_STATE_WITH_CUSTOM_SNAPSHOT');
    expect(error.message).toContain('Both declares @State() properties (count) and its own @OnSnapshot s, @OnRestore r');
  });

  it('a property that is both an option and state', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      class OptionState {
        @Option({ type: 'int' }) @State() size = 1n;
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_OPTION_IS_STATE');
  });

  it('decorators on the wrong kind of member', () => {
    const onMethod = definitionError(() => {
      class OptionOnMethod {
        @(Option({ type: 'int' }) as MethodDecorator) size() {}
      }
    });
    expect(onMethod.code).toBe('ERR_DECORATOR_PLACEMENT');
    expect(onMethod.message).toBe('@Option on OptionOnMethod.size: @Option decorates a property, not a method');

    const onProperty = definitionError(() => {
      class HandlerOnProperty {
        @(OnPoint() as unknown as PropertyDecorator) handler = () => undefined;
      }
    });
    expect(onProperty.message).toBe('@OnPoint on HandlerOnProperty.handler: @OnPoint decorates a method, not a property');

    const onStatic = definitionError(() => {
      // biome-ignore lint/complexity/noStaticOnlyClass: the static member is the mistake under test
      class StaticOption {
        @Option({ type: 'int' }) static size = 1n;
      }
    });
    expect(onStatic.message).toBe('@Option on static StaticOption.size: decorate an instance property, not a static one');

    const symbolKey = Symbol('size');
    const onSymbol = definitionError(() => {
      class SymbolOption {
        @Option({ type: 'int' }) [symbolKey] = 1n;
      }
    });
    expect(onSymbol.message).toBe('@Option on SymbolOption.[size]: give the property a string name');

    const uncalled = definitionError(() => {
      class Uncalled {
        @(OnPoint as unknown as MethodDecorator) p() {}
      }
    });
    expect(uncalled.message).toBe('write @OnPoint() with parentheses');
  });

  it('two @Udf decorators', () => {
    const error = definitionError(() => {
      @Udf({ wants: 'stream', provides: 'stream' })
      @Udf({ wants: 'stream', provides: 'stream' })
      class Twice {
        @OnPoint() p() {}
      }
    });
    expect(error.code).toBe('ERR_DUPLICATE_UDF_DECORATOR');
  });

  it('classes without @Udf are not UDF classes', () => {
    class Plain {}
    expect(isUdfClass(Plain)).toBe(false);
    expect(isUdfClass(undefined)).toBe(false);
    expect(isUdfClass({})).toBe(false);
    const error = definitionError(() => getUdfDefinition(Plain));
    expect(error.code).toBe('ERR_NOT_A_UDF_CLASS');
    expect(error.message).toBe('Plain is not a UDF class. Decorate it with @Udf({ wants, provides }).');

    @Udf({ wants: 'stream', provides: 'stream' })
    class Base {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    class Derived extends Base {}
    expect(isUdfClass(Base)).toBe(true);
    expect(isUdfClass(Derived)).toBe(false);
    expect(definitionError(() => getUdfDefinition(Derived)).message).toBe(
      'Derived is not a UDF class. It extends the UDF class Base: decorate the subclass with @Udf({...}) too.',
    );
    expect(definitionError(() => getUdfDefinition(42)).message).toContain('expected a class decorated with @Udf');
  });
});
