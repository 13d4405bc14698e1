import { type Batch, numericField, OnBatch, OnPoint, type Point, replaceFields, Udf } from '@kapacitor-udf/decorators';
import { formatBatchRecording, formatStreamRecording, parseLineProtocol } from '@kapacitor-udf/replay';
import { batchesOf, formatEmitted, UdfHarness } from '../src';

@Udf({ name: 'double', wants: 'stream', provides: 'stream' })
class Double {
  @OnPoint()
  point(p: Point): Point {
    return replaceFields(p, { v: (numericField(p, 'v') ?? 0) * 2 });
  }
}

@Udf({ name: 'count', wants: 'batch', provides: 'batch' })
class Count {
  @OnBatch()
  batch(b: Batch): Batch {
    const last = b.points[b.points.length - 1];
    return { begin: { ...b.begin, size: 1n }, points: [replaceFields(last, { n: b.points.length })], end: b.end };
  }
}

const LP = 'cpu,host=a v=1 1000000000\ncpu,host=b v=2i 2000000000\ncpu,host=a v=3 3000000000\n';

describe('UdfHarness.replay', () => {
  it('sends line protocol and pins the output as line protocol', async () => {
    const h = await UdfHarness.create(Double, { options: {} });
    const out = await h.replay({ lineProtocol: LP });
    expect(formatEmitted(out)).toBe('cpu,host=a v=2 1000000000\ncpu,host=b v=4 2000000000\ncpu,host=a v=6 3000000000\n');
    await h.close();
  });

  it('reads a stream recording (bytes) with groups as a TICKscript groupBy', async () => {
    const srpl = formatStreamRecording(parseLineProtocol(LP, { database: 'db', retentionPolicy: 'autogen' }));
    const h = await UdfHarness.create(Double, { options: {} });
    const out = await h.replay({ streamRecording: srpl }, { groupBy: { dimensions: ['host'] } });
    expect(out.map((m) => (m.$case === 'point' ? [m.value.group, m.value.database] : []))).toEqual([
      ['host=a', 'db'],
      ['host=b', 'db'],
      ['host=a', 'db'],
    ]);
    await h.close();
  });

  it('cuts a stream into batches for a batch UDF, and reads batch recordings', async () => {
    const h = await UdfHarness.create(Count, { options: {} });
    const out = await h.replay({ lineProtocol: LP }, { window: { points: 2 } });
    expect(formatEmitted(out)).toBe('cpu,host=b n=2 2000000000\n');
    const recorded = batchesOf(out).map((b) => ({ ...b, end: { ...b.end, tmax: 2_000_000_000n } }));
    const again = await h.replay({ batchRecording: formatBatchRecording([recorded]) });
    expect(formatEmitted(again)).toBe('cpu,host=b n=1 2000000000\n');
    await h.close();
  });

  it('reports a bad line with its number', async () => {
    const h = await UdfHarness.create(Double, { options: {} });
    await expect(h.replay({ lineProtocol: 'cpu v=1 1\ncpu v= 2\n' })).rejects.toThrow(/^line 2: field "v" has no value/);
    await h.close();
  });
});
