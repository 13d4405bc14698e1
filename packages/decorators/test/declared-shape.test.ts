/**
 * `@State({ shape })`: a Restore checks values against the shape the UDF
 * declares, not only against the shape the snapshot records about itself
 * (issue 20, item 8: a forged but self-consistent snapshot made movingAvg
 * emit NaN).
 */
import { serialize } from 'node:v8';
import { OnPoint, type Point, State, Udf, UdfDefinitionError } from '@kapacitor-udf/decorators';
import { parseShape, shapeMismatch } from '../src/declared-shape';
import { Conversation, init, restore } from './helpers/conversation';

@Udf({ wants: 'stream', provides: 'stream', name: 'windows' })
class Windows {
  @State({ shape: 'Map<string,Array<number>>' }) windows = new Map<string, number[]>();
  @State() free: unknown = null;
  @OnPoint() p(p: Point) {
    return p;
  }
}

/** A snapshot as the envelope format writes it, with whatever values and self-recorded types. */
const forged = (values: Record<string, unknown>, types: Record<string, string>): Uint8Array =>
  serialize({ format: 'kapacitor-udf/state', formatVersion: 1, udf: 'windows', stateVersion: 1, values, types });

describe('@State({ shape }) on Restore', () => {
  it('accepts values of the declared shape (empty containers included)', async () => {
    for (const windows of [new Map(), new Map([['a', []]]), new Map([['a', [1, 2.5, -0]]])]) {
      const c = new Conversation(Windows).send(init(), restore(forged({ windows }, {})));
      expect(await c.next('restore')).toEqual({ success: true, error: '' });
    }
  });

  it('refuses a self-consistent snapshot whose values depart from the declared shape, naming where', async () => {
    const bytes = forged({ windows: new Map([['g', [1, 'x']]]) }, { windows: 'Map<string,Array<number|string>>' });
    const c = new Conversation(Windows).send(init(), restore(bytes));
    const response = (await c.next('restore')) as { success: boolean; error: string };
    expect(response.success).toBe(false);
    expect(response.error).toMatch(
      /windows is declared as Map<string,Array<number>> but in the snapshot windows\["g"\]\[1\] is a string, not number/,
    );
  });

  it('refuses a value of another container kind, and properties without a declared shape keep the old checks', async () => {
    const c = new Conversation(Windows).send(init(), restore(forged({ windows: { g: [1] }, free: 'anything' }, {})));
    expect(((await c.next('restore')) as { error: string }).error).toMatch(/windows is a Map in this UDF but the snapshot holds Object/);
    const ok = new Conversation(Windows).send(init(), restore(forged({ free: ['anything', 1] }, {})));
    expect(await ok.next('restore')).toEqual({ success: true, error: '' });
  });

  it('a malformed declared shape is a definition error', () => {
    expect(() => State({ shape: 'Map<string>' })).toThrow(UdfDefinitionError);
    expect(() => State({ shape: 'Array<nmber>' })).toThrow(/unknown type 'nmber'/);
    expect(() => State({ shape: 'Array<number' })).toThrow(/missing a '>'/);
  });
});

describe('shapeMismatch', () => {
  const check = (value: unknown, shape: string) => shapeMismatch(value, parseShape(shape, 'test'));
  it('checks every element: unions, nested containers, Set, Object, leaves and *', () => {
    expect(check([1, null, 2], 'Array<number|null>')).toBeUndefined();
    expect(check([1, 'a'], 'Array<number|null>')).toMatch(/\[1\] is a string, not number\|null/);
    expect(check(new Set([1n]), 'Set<bigint>')).toBeUndefined();
    expect(check({ a: 'x', b: 2 }, 'Object<string>')).toMatch(/\.b is a number, not string/);
    expect(check({ a: new Date(0), b: [new Float64Array(2)] }, 'Object<Date|Array<Float64Array>>')).toBeUndefined();
    expect(check(new Map([[1, 'x']]), 'Map<string,*>')).toMatch(/key 1\} is a number, not string/);
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is checked
    expect(check([1, , 3], 'Array<number>')).toMatch(/holes/);
  });

  it('is linear: a 2M-element array is checked in one pass', () => {
    const big = new Array<number>(2_000_000).fill(1);
    big[big.length - 1] = Number.NaN; // still a number
    expect(check(new Map([['g', big]]), 'Map<string,Array<number>>')).toBeUndefined();
  });
});
