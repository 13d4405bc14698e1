import { packageNameProblems, suggestPackageName } from '../src';

describe('packageNameProblems', () => {
  it.each(['my-udfs', 'udfs', 'kapacitor.udfs', 'my_udfs', 'a1', '@acme/udfs', '@acme/kapacitor-udfs.v2', 'x'.repeat(214)])(
    'accepts %s',
    (name) => {
      expect(packageNameProblems(name)).toEqual([]);
    },
  );

  it.each([
    ['', /empty/],
    ['My-UDFs', /capital/],
    ['my udfs', /URL-safe/],
    [' udfs', /space/],
    ['.udfs', /starts with "\."/],
    ['_udfs', /starts with "_"/],
    ['udfs!', /~'!\(\)\*/],
    ['node_modules', /reserved/],
    ['favicon.ico', /reserved/],
    ['http', /core module/],
    ['fs', /core module/],
    ['x'.repeat(215), /214/],
    ['@acme', /@scope\/name/],
    ['@/udfs', /@scope\/name/],
    ['@acme/', /@scope\/name/],
    ['@acme/a/b', /@scope\/name/],
    ['@.acme/udfs', /the scope starts with "\."/],
    ['a/b', /URL-safe/],
    ['udfs:x', /URL-safe/],
  ])('refuses %j', (name, reason) => {
    const problems = packageNameProblems(name);
    expect(problems.join('; ')).toMatch(reason);
  });
});

describe('suggestPackageName', () => {
  it('turns a directory name into a valid package name', () => {
    expect(suggestPackageName('My UDFs')).toBe('my-udfs');
    expect(suggestPackageName('  Kapacitor (prod) ')).toBe('kapacitor-prod');
    expect(suggestPackageName('.hidden')).toBe('hidden');
  });

  it('offers nothing when nothing usable is left', () => {
    expect(suggestPackageName('!!!')).toBeUndefined();
    expect(suggestPackageName('http')).toBeUndefined();
  });
});
