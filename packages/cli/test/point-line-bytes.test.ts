import { createPoint, decodeResponse, encodeResponse, type Point } from '@kapacitor-udf/core';
import { formatLine } from '@kapacitor-udf/replay';
import * as fc from 'fast-check';
import { writePointLine } from '../src/replay/point-line-bytes';

/** writePointLine's text for the point's response frame, or undefined when it leaves the frame to formatLine. */
function direct(p: Point, room = 4096): string | undefined {
  const frame = encodeResponse({ message: { $case: 'point', value: p } });
  const out = Buffer.alloc(room);
  const end = writePointLine(frame, 0, frame.length, out, 7);
  return end === -1 ? undefined : out.toString('utf8', 7, end);
}

/** What formatLine writes for the decoded frame (the general path), or its error. */
function general(p: Point): string | Error {
  const frame = encodeResponse({ message: { $case: 'point', value: p } });
  const r = decodeResponse(frame);
  try {
    return `${formatLine(r.message?.value as Point)}\n`;
  } catch (err) {
    return err as Error;
  }
}

const pt = (over: Partial<Point>): Point => ({
  ...createPoint(),
  name: 'cpu',
  database: 'telegraf',
  retentionPolicy: 'autogen',
  tags: { cpu: 'cpu0', host: 'a' },
  fieldsDouble: { usage_idle: 90.5, usage_user: 0.25 },
  time: 1700000000000000000n,
  ...over,
});

describe('writePointLine', () => {
  it('writes the common shape as formatLine does', () => {
    for (const p of [
      pt({}),
      pt({ time: 0n }),
      pt({ time: 1n }),
      pt({ time: 2n ** 28n }),
      pt({ time: 2n ** 56n }),
      pt({ time: 2n ** 63n - 1n }),
      pt({ tags: {} }),
      pt({ tags: { a: '', b: 'x' } }),
      pt({ group: 'g', dimensions: ['host'], byName: true }),
      pt({ fieldsDouble: { v: -0, w: 1e21, x: 1e-7, y: 123.456 } }),
    ]) {
      expect(direct(p)).toBe(general(p));
    }
  });

  it('leaves other shapes to formatLine', () => {
    for (const p of [
      pt({ time: -1n }),
      pt({ name: '#cpu' }),
      pt({ name: 'c pu' }),
      pt({ tags: { host: 'a,b' } }),
      pt({ tags: { host: 'é' } }),
      pt({ fieldsInt: { n: 1n } }),
      pt({ fieldsString: { s: 'x' } }),
      pt({ fieldsBool: { b: true } }),
      pt({ fieldsDouble: {} }),
      pt({ fieldsDouble: { v: Number.NaN } }),
      pt({ fieldsDouble: { 'a=b': 1 } }),
    ]) {
      expect(direct(p)).toBeUndefined();
    }
  });

  it('leaves a frame to formatLine when the buffer has too little room', () => {
    expect(direct(pt({}), 40)).toBeUndefined();
    expect(direct(pt({ fieldsDouble: { v: 1e300 } }), 300)).toBeUndefined();
    expect(direct(pt({ fieldsDouble: { v: 1e300 } }), 1000)).toBe(general(pt({ fieldsDouble: { v: 1e300 } })));
  });

  it('agrees with formatLine on random points (property)', () => {
    const id = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '0', ' ', ',', '=', '"', '\\', '#', 'é'), maxLength: 4 });
    fc.assert(
      fc.property(
        fc.record({
          name: id,
          tags: fc.dictionary(id, id, { maxKeys: 3 }),
          fieldsDouble: fc.dictionary(id, fc.double(), { maxKeys: 3 }),
          fieldsInt: fc.dictionary(id, fc.bigInt({ min: -5n, max: 5n }), { maxKeys: 1 }),
          time: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        }),
        (over) => {
          const p = pt(over);
          const want = general(p);
          const got = direct(p);
          if (got !== undefined) expect(got).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
