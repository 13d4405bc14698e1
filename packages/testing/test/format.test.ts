import { EdgeType, ValueType } from '@kapacitor-udf/core';
import { batch, formatRequest, formatResponse, point, raw } from '../src';

describe('formatRequest() / formatResponse()', () => {
  it('writes Init options as in a TICKscript', () => {
    const line = formatRequest({
      message: {
        $case: 'init',
        value: {
          options: [
            raw.option('field', raw.string('mycustom_field'), raw.double(42)),
            raw.option('period', raw.duration(10_000_000_000n)),
            raw.option('on'),
          ],
          taskID: 'demo',
          nodeID: 'mirror2',
        },
      },
    });
    expect(line).toBe("Init field('mycustom_field', 42.0).period(10s).on()  [task demo, node mirror2]");
  });

  it('writes points in line protocol', () => {
    const p = point({
      name: 'cpu',
      time: 1_700_000_000_000_000_000n,
      tags: { host: 'a' },
      fields: { usage_idle: 90.2, mycustom_field: 42, n: 3n, s: 'ok "1"', up: true },
    });
    expect(formatResponse({ message: { $case: 'point', value: p } })).toBe(
      'Point cpu,host=a mycustom_field=42,n=3i,s="ok \\"1\\"",up=true,usage_idle=90.2 1700000000000000000',
    );
  });

  it('writes batches, management answers and errors', () => {
    const b = batch({ name: 'cpu', tags: { host: 'a' }, points: [{ time: 3n }] });
    expect(formatRequest({ message: { $case: 'begin', value: b.begin } })).toBe('BeginBatch cpu,host=a size=1');
    expect(formatRequest({ message: { $case: 'end', value: b.end } })).toBe('EndBatch cpu,host=a tmax=3');
    expect(
      formatResponse({
        message: {
          $case: 'info',
          value: {
            wants: EdgeType.STREAM,
            provides: EdgeType.BATCH,
            options: { field: { valueTypes: [ValueType.STRING, ValueType.DOUBLE] } },
          },
        },
      }),
    ).toBe('Info wants=stream provides=batch options field(string, double)');
    expect(formatResponse({ message: { $case: 'init', value: { success: false, error: 'size: too small' } } })).toBe(
      'Init failed: size: too small',
    );
    expect(formatResponse({ message: { $case: 'error', value: { error: 'boom' } } })).toBe('Error boom');
    expect(formatResponse({ message: undefined })).toMatch(/empty response/);
  });
});
