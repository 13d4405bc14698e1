/**
 * The small print of option parsing: how values are written back in
 * messages (TICKscript literals), Duration's edges, and the option checks'
 * boundaries. Written against the mutants `npm run test:mutation` found
 * surviving (packages/core/README.md, "Mutation testing").
 */
import { Duration, OnPoint, Option, type Point, Udf } from '@kapacitor-udf/decorators';
import { doubleLiteral, placeholder, stringLiteral, tickLiteral } from '../src/tickscript-literal';
import { converse, init, NON_LITERAL, opt } from './helpers/conversation';

describe('TICKscript literals', () => {
  test('strings are written as Kapacitor reads them: quotes escaped, backslashes as they are', () => {
    expect(stringLiteral("it's")).toBe("'it\\'s'");
    // Kapacitor unescapes only \' (tick/ast newString): other backslashes stand for themselves.
    expect(stringLiteral('a\\b')).toBe("'a\\b'");
    expect(stringLiteral('C:\\dir\\')).toBe("'''C:\\dir\\'''");
    expect(stringLiteral("say \\'hi")).toBe("'''say \\'hi'''");
    expect(stringLiteral('')).toBe("''");
  });

  test('a double always shows it is one; fractions are written in full', () => {
    expect(doubleLiteral(2)).toBe('2.0');
    expect(doubleLiteral(-3)).toBe('-3.0');
    expect(doubleLiteral(2.25)).toBe('2.25');
    expect(doubleLiteral(0.05)).toBe('0.05');
  });

  test('every kind of value', () => {
    expect(tickLiteral(undefined)).toBe('undefined');
    expect(tickLiteral(null)).toBe('null');
    expect(tickLiteral(Duration.seconds(90))).toBe('90s');
    expect(tickLiteral(2, 'double')).toBe('2.0');
    expect(tickLiteral(2, 'int')).toBe('2');
    expect(tickLiteral(false)).toBe('FALSE');
    expect(tickLiteral([1n, 'a', true])).toBe("[1, 'a', TRUE]");
    expect(tickLiteral([1, 2], 'double')).toBe('[1.0, 2.0]');
    expect(tickLiteral({ a: 1n, b: 'x' })).toBe('{"a":"1","b":"x"}');
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(tickLiteral(circular)).toBe('[object Object]');
    expect(tickLiteral(Symbol('s'))).toBe('Symbol(s)');
    expect(tickLiteral(() => 1)).toBe('() => 1');
  });

  test('a placeholder per value type', () => {
    expect(['bool', 'int', 'double', 'string', 'duration'].map((t) => placeholder(t as never))).toEqual([
      'TRUE',
      '10',
      '1.0',
      "'value'",
      '10s',
    ]);
  });
});

describe('Duration edges', () => {
  test('whole numbers of a unit stay exact beyond 2^53 ns', () => {
    // 9,007,199,255 s in ns is no double (its odd part exceeds 2^53): computed in floats it would end in ...512.
    expect(Duration.seconds(9_007_199_255).ns).toBe(9_007_199_255_000_000_000n);
  });

  test('each unit names itself when it refuses a number', () => {
    expect(() => Duration.nanoseconds(Number.NaN)).toThrow('Duration.nanoseconds(NaN)');
    expect(() => Duration.microseconds(Number.NaN)).toThrow('Duration.microseconds(NaN)');
    expect(() => Duration.milliseconds(Number.NaN)).toThrow('Duration.milliseconds(NaN)');
    expect(() => Duration.seconds(Number.NaN)).toThrow('Duration.seconds(NaN)');
    expect(() => Duration.minutes(Number.NaN)).toThrow('Duration.minutes(NaN)');
    expect(() => Duration.hours(Infinity)).toThrow('Duration.hours(Infinity)');
  });

  test('unit boundaries and fractions with inner zeros print like Go', () => {
    expect(Duration.nanoseconds(1_000n).toString()).toBe('1µs');
    expect(Duration.nanoseconds(1_000_000n).toString()).toBe('1ms');
    expect(Duration.nanoseconds(1_050_000n).toString()).toBe('1.05ms');
    expect(Duration.nanoseconds(1_000_500_000n).toString()).toBe('1.0005s');
  });

  test('isDuration: the shared brand and a bigint ns, on an object only', () => {
    const brand = Symbol.for('kapacitor-udf.duration');
    expect((Duration.seconds(1) as unknown as Record<symbol, unknown>)[brand]).toBe(true);
    expect(Duration.isDuration({ [brand]: true, ns: 1n })).toBe(true); // another copy of the package
    expect(Duration.isDuration({ [brand]: true, ns: 1 })).toBe(false);
    expect(Duration.isDuration(Object.assign(() => 0, { [brand]: true, ns: 1n }))).toBe(false);
    expect(Duration.isDuration(null)).toBe(false);
    expect(Duration.isDuration(undefined)).toBe(false);
  });
});

@Udf({ wants: 'stream', provides: 'stream', name: 'edges' })
class Edges {
  @Option({ type: 'int', int: 'number' }) count = 3;
  @Option({ type: 'double' }) ratio = 0.5;
  @Option({ type: 'string' }) label = 'x';
  @Option({ type: 'duration' }) period = Duration.seconds(10);
  @Option({ types: ['string', 'double'] }) field?: [string, number];
  @Option({ flag: true }) enabled = false;

  @OnPoint() p(p: Point) {
    return p;
  }
}

async function initEdges(...options: ReturnType<typeof opt>[]): Promise<string[]> {
  const responses = await converse(Edges, init(options));
  const value = responses[0].value as { success: boolean; error: string };
  return value.success ? [] : value.error.split('\n');
}

describe('option checks at their edges', () => {
  test("int: 'number' takes exactly the safe integers", async () => {
    expect(await initEdges(opt('count', 9_007_199_254_740_991n))).toEqual([]);
    expect(await initEdges(opt('count', -9_007_199_254_740_991n))).toEqual([]);
    expect(await initEdges(opt('count', -9_007_199_254_740_992n))).toEqual([
      "option 'count': -9007199254740992 is outside the range this option accepts (declared int: 'number', which holds integers from -9007199254740991 to 9007199254740991 exactly)",
    ]);
  });

  test('what was given is named by its type; hints only where they apply', async () => {
    expect(
      await initEdges(
        opt('ratio', 'x'),
        opt('label', true),
        opt('label', false),
        opt('label', Duration.seconds(10)),
        opt('label', NON_LITERAL, 'x'),
        opt('period', 2.5),
        opt('period', 'x'),
        opt('field'),
        opt('enabled', Duration.seconds(1)),
      ),
    ).toEqual([
      "option 'ratio': expected double, given string 'x'",
      "option 'label': expected string, given bool TRUE",
      "option 'label': expected string, given bool FALSE",
      "option 'label': expected string, given duration 10s",
      "option 'label' expects 1 value (string), given 2 (a non-literal value, string 'x'); write .label(<string>)",
      "option 'period': expected duration, given double 2.5 (write a duration literal such as 10s)",
      "option 'period': expected duration, given string 'x'",
      "option 'field' expects 2 values (string, double), given none; write .field(<string>, <double>)",
      "option 'enabled' is a flag and takes no values, given 1 (duration 1s); write .enabled()",
      "option 'label' may be given only once, given 4 times; remove the extra .label(...)",
      "option 'period' may be given only once, given 2 times; remove the extra .period(...)",
    ]);
  });
});
