import { closest } from '@kapacitor-udf/core/internal';

describe('closest', () => {
  test('typos and case are suggested, unrelated names are not', () => {
    expect(closest('mirorr', ['mirror', 'outliers'])).toBe('mirror');
    expect(closest('MIRROR', ['mirror'])).toBe('mirror');
    expect(closest('mirror', ['MirrorUdf', 'outliers'])).toBe('MirrorUdf');
    expect(closest('zzz', ['mirror', 'outliers'])).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });
});

describe('closest with many or long names', () => {
  test('picks the nearest candidate; a contained name counts its length gap', () => {
    expect(closest('fiels', ['as', 'field', 'fields'])).toBe('field');
    expect(closest('period', ['periodSeconds', 'periods'])).toBe('periods');
  });
  test('a huge name is answered at once, without a suggestion', () => {
    const started = process.hrtime.bigint();
    expect(closest('x'.repeat(1_000_000), ['size', 'count', 'field'])).toBeUndefined();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});
