import { decodeRequest, encodeRequest } from '../src/codec';
import type { Point } from '../src/generated/udf';
import { Request as GenRequest } from '../src/generated/udf';

// The decoder caches short strings by a hash of their bytes. These inputs are
// built to stress it: many strings of one length differing in a single byte
// (so that slots are shared and entries evicted), re-read after eviction,
// and non-ASCII strings of the same lengths, which must bypass the cache.

function point(host: string, region: string): Point {
  return {
    time: 1n,
    name: 'cpu',
    database: 'db',
    retentionPolicy: 'rp',
    group: `cpu\nhost=${host}`,
    dimensions: ['host'],
    tags: { host, region },
    fieldsDouble: { [host]: 1.5 },
    fieldsInt: {},
    fieldsString: { s: region },
    byName: false,
    fieldsBool: {},
  };
}

function roundTrip(p: Point): void {
  const bytes = encodeRequest({ message: { $case: 'point', value: p } });
  const ours = decodeRequest(bytes).message;
  expect(ours?.$case === 'point' && ours.value).toEqual(p);
  // The generated codec reads the same bytes the same way.
  const generated = GenRequest.decode(bytes).message;
  expect(generated?.$case === 'point' && generated.value).toEqual(ours?.value);
}

describe('short-string cache', () => {
  test('thousands of strings differing in one byte decode exactly, also after eviction', () => {
    const hosts: string[] = [];
    for (let i = 0; i < 5000; i++) hosts.push(`server${String(i).padStart(4, '0')}`);
    for (const round of [0, 1]) {
      for (let i = 0; i < hosts.length; i += round === 0 ? 1 : 7) roundTrip(point(hosts[i], `r${i % 10}`));
    }
  });

  test('non-ASCII strings of the same lengths as cached ASCII ones are decoded as UTF-8', () => {
    roundTrip(point('server00001', 'us-west'));
    roundTrip(point('server0000é', 'us-wé'));
    roundTrip(point('server00001', 'us-west'));
    roundTrip(point('\u00e9\u00e9\u00e9\u00e9\u00e9', 'x\u{1f600}y'));
    roundTrip(point('éééé', 'ab'));
  });

  test('strings at and beyond the cached length limit', () => {
    for (const n of [1, 39, 40, 41, 120]) {
      roundTrip(point('h'.repeat(n), 'v'.repeat(n)));
      roundTrip(point(`${'h'.repeat(n - 1)}g`, 'v'.repeat(n)));
    }
  });
});
