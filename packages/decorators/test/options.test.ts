import { Duration, OnInit, OnPoint, Option, type Point, Udf, type UdfContext } from '@kapacitor-udf/decorators';
import { IsIn, Max, Min, MinLength } from 'class-validator';
import { Conversation, converse, init, NON_LITERAL, opt, point } from './helpers/conversation';

/** Declares every option shape; @OnInit hands the instance out for inspection. */
let seen: Shapes | undefined;

@Udf({ wants: 'stream', provides: 'stream', name: 'shapes' })
class Shapes {
  @Option({ type: 'int' }) size = 10n;
  @Option({ type: 'int', int: 'number' }) count = 3;
  @Option({ type: 'double' }) ratio = 0.5;
  @Option({ type: 'string' }) label = 'x';
  @Option({ type: 'bool' }) strict = false;
  @Option({ type: 'duration' }) period = Duration.seconds(10);
  @Option({ types: ['string', 'double'] }) field?: [string, number];
  @Option({ flag: true }) enabled = false;
  @Option({ type: 'string', repeatable: true }) tag: string[] = [];
  @Option({ types: ['string', 'int'], repeatable: true }) pair: Array<[string, bigint]> = [];
  @Option({ type: 'string', required: true, name: 'as', description: 'Name of the result field.' }) asName = 'avg';

  ctx?: UdfContext;

  @OnInit() remember(ctx: UdfContext) {
    this.ctx = ctx;
    seen = this;
  }

  @OnPoint() p(p: Point) {
    return p;
  }
}

async function initShapes(...options: ReturnType<typeof opt>[]) {
  seen = undefined;
  const responses = await converse(Shapes, init(options, { taskID: 't1', nodeID: 'n1' }));
  expect(responses[0].$case).toBe('init');
  return responses[0].value as { success: boolean; error: string };
}

describe('option values at Init', () => {
  it('quotes huge names and values cut to a readable length, saying how long they were', async () => {
    const huge = 'x'.repeat(1_000_000);
    const result = await initShapes(opt('as', 'mean'), opt(huge, 1n), opt('ratio', huge));
    expect(result.success).toBe(false);
    expect(result.error.split('\n')).toEqual([
      `unknown option '${'x'.repeat(64)}… (1000000 characters)': the options of shapes are size, count, ratio, label, strict, period, field, enabled, tag, pair, as`,
      `option 'ratio': expected double, given string '${'x'.repeat(63)}… (1000002 characters)`,
    ]);
  });

  it('keeps property initializers as defaults when nothing is given (except required)', async () => {
    expect(await initShapes(opt('as', 'mean'))).toEqual({ success: true, error: '' });
    expect(seen).toMatchObject({
      size: 10n,
      count: 3,
      ratio: 0.5,
      label: 'x',
      strict: false,
      enabled: false,
      tag: [],
      pair: [],
      asName: 'mean',
    });
    expect(seen!.field).toBeUndefined();
    expect(seen!.period.equals(Duration.seconds(10))).toBe(true);
    expect(seen!.ctx).toMatchObject({ taskID: 't1', nodeID: 'n1' });
  });

  it('assigns every shape with exact types', async () => {
    const result = await initShapes(
      opt('size', 9_007_199_254_740_993n),
      opt('count', -42n),
      opt('ratio', 2.25),
      opt('label', "it's"),
      opt('strict', true),
      opt('period', Duration.nanoseconds(90_000_000_001n)),
      opt('field', 'mycustom_field', 42.0),
      opt('enabled'),
      opt('tag', 'host'),
      opt('tag', 'region'),
      opt('pair', 'a', 1n),
      opt('pair', 'b', 2n),
      opt('as', 'avg2'),
    );
    expect(result).toEqual({ success: true, error: '' });
    const s = seen!;
    expect(s.size).toBe(9_007_199_254_740_993n); // int64 beyond 2^53 stays exact as bigint
    expect(s.count).toBe(-42); // int: 'number'
    expect(s.ratio).toBe(2.25);
    expect(s.label).toBe("it's");
    expect(s.strict).toBe(true);
    expect(s.period).toBeInstanceOf(Duration);
    expect(s.period.ns).toBe(90_000_000_001n);
    expect(s.field).toEqual(['mycustom_field', 42]);
    expect(s.enabled).toBe(true);
    expect(s.tag).toEqual(['host', 'region']);
    expect(s.pair).toEqual([
      ['a', 1n],
      ['b', 2n],
    ]);
    expect(s.asName).toBe('avg2');
  });

  it('reports every problem, one line each, naming option, expectation and what was given', async () => {
    const result = await initShapes(
      opt('siz', 10n),
      opt('size', 10.5),
      opt('ratio', 2n),
      opt('period', 5n),
      opt('field', 'x'),
      opt('label', 'a', 'b'),
      opt('enabled', true),
      opt('strict', NON_LITERAL),
      opt('count', 9_007_199_254_740_992n),
      opt('pair', 'a', 'b'),
    );
    expect(result.success).toBe(false);
    expect(result.error.split('\n')).toEqual([
      "unknown option 'siz': did you mean .size(...)? the options of shapes are size, count, ratio, label, strict, period, field, enabled, tag, pair, as",
      "option 'size': expected int, given double 10.5",
      "option 'ratio': expected double, given int 2 (write 2.0 for a double)",
      "option 'period': expected duration, given int 5 (write a duration literal such as 10s)",
      "option 'field' expects 2 values (string, double), given 1 (string 'x'); write .field(<string>, <double>)",
      "option 'label' expects 1 value (string), given 2 (string 'a', string 'b'); write .label(<string>)",
      "option 'enabled' is a flag and takes no values, given 1 (bool TRUE); write .enabled()",
      "option 'strict': expected a bool literal, given a non-literal value (Kapacitor sends no value for a field reference or lambda); write a literal such as TRUE",
      "option 'count': 9007199254740992 is outside the range this option accepts (declared int: 'number', which holds integers from -9007199254740991 to 9007199254740991 exactly)",
      "option 'pair', value 2 of 2: expected int, given string 'b'",
      "option 'as' is required: add .as(<string>) to the UDF node in the TICKscript",
    ]);
    expect(seen).toBeUndefined(); // @OnInit does not run when options are invalid
  });

  it('refuses a non-repeatable option given twice', async () => {
    const result = await initShapes(opt('as', 'a'), opt('label', 'one'), opt('label', 'two'));
    expect(result).toEqual({
      success: false,
      error: "option 'label' may be given only once, given 2 times; remove the extra .label(...)",
    });
  });

  it('names the non-literal value position in a tuple', async () => {
    const result = await initShapes(opt('as', 'a'), opt('field', 'x', NON_LITERAL));
    expect(result.error).toBe(
      "option 'field', value 2 of 2: expected a double literal, given a non-literal value (Kapacitor sends no value for a field reference or lambda); write a literal such as 1.0",
    );
  });

  it('tells a UDF without options that it has none', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class NoOptions {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const [response] = await converse(NoOptions, init([opt('size', 1n)]));
    expect(response).toEqual({
      $case: 'init',
      value: { success: false, error: "unknown option 'size': NoOptions has no options" },
    });
  });
});

describe('class-validator decorators', () => {
  @Udf({ wants: 'stream', provides: 'stream', name: 'validated' })
  class Validated {
    @Min(1) @Max(100) @Option({ type: 'int', int: 'number' }) size = 10;
    @IsIn(['mean', 'median']) @Option({ type: 'string', name: 'method' }) aggregation = 'mean';
    @MinLength(2) @Option({ type: 'string' }) label = 'ok';
    @Min(0) notAnOption = 1;
    @OnPoint() p(p: Point) {
      return p;
    }
  }

  it('accepts valid values', async () => {
    const [response] = await converse(Validated, init([opt('size', 5n), opt('method', 'median')]));
    expect(response).toEqual({ $case: 'init', value: { success: true, error: '' } });
  });

  it('reports failures with the TICKscript option name and the given value', async () => {
    const [response] = await converse(Validated, init([opt('size', 0n), opt('method', 'max'), opt('label', 'x')]));
    expect(response.$case).toBe('init');
    const { success, error } = response.value as { success: boolean; error: string };
    expect(success).toBe(false);
    expect(error.split('\n')).toEqual([
      "option 'size': must not be less than 1 (given 0)",
      "option 'method': must be one of the following values: mean, median (given 'max')",
      "option 'label': must be longer than or equal to 2 characters (given 'x')",
    ]);
  });

  it('combines framework and validator problems without repeating a failed option', async () => {
    const [response] = await converse(Validated, init([opt('size', 1.5), opt('method', 'max')]));
    expect((response.value as { error: string }).error.split('\n')).toEqual([
      "option 'size': expected int, given double 1.5",
      "option 'method': must be one of the following values: mean, median (given 'max')",
    ]);
  });

  it('also checks validated properties that are not options', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class BadDefault {
      @Min(0) notAnOption = -1;
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const [response] = await converse(BadDefault, init());
    expect((response.value as { error: string }).error).toBe("property 'notAnOption': must not be less than 0 (given -1)");
  });
});

describe('@OnInit and construction failures are Init errors, not crashes', () => {
  it('a throwing @OnInit refuses Init with its message; data after it is refused, never handled', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Refuses {
      @Option({ type: 'string' }) db = '';
      @OnInit() check() {
        if (this.db === '') throw new Error('set .db(...) to the database to write to');
      }
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const { error, responses } = await new Conversation(Refuses).send(init(), point()).finishWithError();
    expect(responses[0]).toEqual({
      $case: 'init',
      value: { success: false, error: 'set .db(...) to the database to write to' },
    });
    expect(responses.slice(1).map((r) => r.$case)).toEqual(['error']);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ERR_NOT_INITIALIZED');
    expect((error as Error).message).toMatch(/Refuses received a point after its Init was refused \(set \.db/);
  });

  it('a rejecting async @OnInit refuses Init; a resolving one succeeds after it settled', async () => {
    const order: string[] = [];
    @Udf({ wants: 'stream', provides: 'stream' })
    class AsyncInit {
      @Option({ flag: true }) fail = false;
      @OnInit() async start() {
        await new Promise((resolve) => setTimeout(resolve, 10));
        order.push('init done');
        if (this.fail) throw new Error('could not connect');
      }
      @OnPoint() p(p: Point) {
        order.push('point');
        return p;
      }
    }
    const failed = await converse(AsyncInit, init([opt('fail')]));
    expect(failed[0]).toEqual({ $case: 'init', value: { success: false, error: 'could not connect' } });
    order.length = 0;
    const ok = await converse(AsyncInit, init(), point());
    expect(ok.map((r) => r.$case)).toEqual(['init', 'point']);
    expect(ok[0]).toEqual({ $case: 'init', value: { success: true, error: '' } });
    expect(order).toEqual(['init done', 'point']);
  });

  it('a throwing constructor refuses Init with a clear message', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Broken {
      constructor() {
        throw new Error('no config file');
      }
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const [response] = await converse(Broken, init());
    expect(response).toEqual({
      $case: 'init',
      value: { success: false, error: 'constructing Broken failed: no config file' },
    });
  });
});
