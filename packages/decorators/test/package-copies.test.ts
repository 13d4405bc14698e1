import * as decorators from '@kapacitor-udf/decorators';
import { converse, init, opt, point } from './helpers/conversation';

/** A second, independent copy of the package, as when two versions are installed side by side. */
function loadSecondCopy(): typeof decorators {
  let copy: typeof decorators | undefined;
  jest.isolateModules(() => {
    copy = require('@kapacitor-udf/decorators');
  });
  expect(copy).toBeDefined();
  expect(copy!.Duration).not.toBe(decorators.Duration); // really another copy
  return copy!;
}

describe('two copies of the package in one process', () => {
  const other = loadSecondCopy();

  @other.Udf({ wants: 'stream', provides: 'stream', name: 'fromOtherCopy' })
  class FromOtherCopy {
    @other.Option({ type: 'duration' }) period = other.Duration.seconds(30);
    @other.OnPoint() p(p: decorators.Point) {
      return { ...p, name: `${p.name}/${this.period.toString()}` };
    }
  }

  it('recognise and describe each other’s classes', () => {
    expect(decorators.isUdfClass(FromOtherCopy)).toBe(true);
    expect(decorators.getUdfDefinition(FromOtherCopy).name).toBe('fromOtherCopy');
    expect(decorators.describeUdf(FromOtherCopy).options[0].default).toBe('30s');
    expect(decorators.toInfoResponse(FromOtherCopy)).toEqual(other.toInfoResponse(FromOtherCopy));
  });

  it('run each other’s classes', async () => {
    const responses = await converse(FromOtherCopy, init([opt('period', decorators.Duration.minutes(1))]), point());
    expect(responses[0].value).toEqual({ success: true, error: '' });
    expect(responses[1]).toMatchObject({ $case: 'point', value: { name: 'cpu/1m0s' } });
  });

  it('keep metadata on the class, not in a per-copy store', () => {
    @decorators.Udf({ wants: 'stream', provides: 'stream' })
    class Local {
      @decorators.OnPoint() p(p: decorators.Point) {
        return p;
      }
    }
    expect(other.isUdfClass(Local)).toBe(true);
    expect(Object.getOwnPropertySymbols(Local)).toContain(Symbol.for('kapacitor-udf.definition'));
  });
});
