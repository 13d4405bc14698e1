import type { Discovery, FoundUdf } from '../src/discover';
import { DuplicateUdfError, UnknownUdfError } from '../src/errors';
import { ambiguousNames, selectUdf } from '../src/select-udf';

class A {}
class B {}

function found(name: string, cls: abstract new () => unknown, file: string): FoundUdf {
  return { name, className: cls.name, cls: cls as FoundUdf['cls'], exportName: cls.name, file, origin: '--module' };
}

describe('selectUdf', () => {
  const discovery = (udfs: FoundUdf[]): Discovery => ({ udfs, failures: [], searched: 'the test' });

  test('by @Udf name or class name', () => {
    const d = discovery([found('alpha', A, '/a.js'), found('beta', B, '/b.js')]);
    expect(selectUdf(d, 'alpha').cls).toBe(A);
    expect(selectUdf(d, 'B').cls).toBe(B);
  });

  test('the same class from two sources is one UDF', () => {
    const d = discovery([found('alpha', A, '/a.js'), found('alpha', A, '/reexport.js')]);
    expect(selectUdf(d, 'alpha').file).toBe('/a.js');
  });

  test('two classes with the name: an error naming both sources', () => {
    const d = discovery([found('same', A, '/a.js'), found('same', B, '/b.js')]);
    expect(() => selectUdf(d, 'same')).toThrow(DuplicateUdfError);
    expect(() => selectUdf(d, 'same')).toThrow(/class A .*\/a\.js[\s\S]*class B .*\/b\.js/);
  });

  test('ambiguity advice fits the case: --module only when the classes are in different files', () => {
    expect(() => selectUdf(discovery([found('same', A, '/a.js'), found('same', B, '/b.js')]), 'same')).toThrow(
      /Give one a name of its own with @Udf\(\{ name: "\.\.\." \}\), or run one module only with --module FILE/,
    );
    let message = '';
    try {
      selectUdf(discovery([found('same', A, '/one.js'), found('same', B, '/one.js')]), 'same');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/They are all in \/one\.js, so --module cannot choose: give each a name of its own/);
    expect(message).not.toMatch(/run one module only/);
  });

  test('ambiguousNames: the names of more than one class, a class reached twice counted once', () => {
    const d = discovery([found('x', A, '/a.js'), found('x', A, '/reexport.js'), found('y', A, '/a.js'), found('y', B, '/b.js')]);
    expect([...ambiguousNames(d).keys()]).toEqual(['y']);
    expect(
      ambiguousNames(d)
        .get('y')
        ?.map((u) => u.cls),
    ).toEqual([A, B]);
  });

  test('unknown: lists the names and suggests the closest', () => {
    const d = discovery([found('movingAvg', A, '/a.js'), found('outliers', B, '/b.js')]);
    let error: unknown;
    try {
      selectUdf(d, 'movingavg');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownUdfError);
    expect((error as UnknownUdfError).code).toBe('ERR_UNKNOWN_UDF');
    expect((error as UnknownUdfError).suggestion).toBe('movingAvg');
    expect((error as Error).message).toContain('Available UDFs: movingAvg, outliers');
  });
});
