/**
 * maxEntries (the Agent's maxMessageEntries) as the decoders count it: every
 * field of the request once (each tag, field and dimension of a point, each
 * tag of a batch boundary, any other field), the same whether a point's
 * head comes from the series cache or not, and refused at the first entry
 * over, never decoded past it.
 */
import { PassThrough } from 'node:stream';
import { Agent } from '../src/agent';
import { decodeRequestAt, encodeRequest } from '../src/codec';
import { ProtocolError } from '../src/errors';
import { forgetCaches } from '../src/hot-path';
import { createPoint, type Point, type Request } from '../src/index';
import { createLogger } from '../src/logger';

function pointRequest(extra: Partial<Point>): Uint8Array {
  return encodeRequest({ message: { $case: 'point', value: { ...createPoint(), ...extra } } });
}

/** The smallest maxEntries that decodes `body` (refused at one less). */
function entriesOf(body: Uint8Array): number {
  let n = 1;
  for (;;) {
    try {
      decodeRequestAt(body, 0, body.length, n);
      return n;
    } catch (err) {
      expect((err as ProtocolError).code).toBe('ERR_TOO_MANY_ENTRIES');
      n++;
    }
  }
}

const tags = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`t${i}`, `v${i}`]));

test.each<[string, Request]>([
  // request field 1 + time + name + database + 2 dimensions + 5 tags + 3 doubles + 1 int + 1 string + 1 bool
  [
    'a point',
    {
      message: {
        $case: 'point',
        value: {
          ...createPoint(),
          time: 5n,
          name: 'cpu',
          database: 'db',
          dimensions: ['t0', 't1'],
          tags,
          fieldsDouble: { a: 1, b: 2, c: 3 },
          fieldsInt: { n: 1n },
          fieldsString: { s: 'x' },
          fieldsBool: { ok: true },
        },
      },
    },
  ],
  ['a BeginBatch', { message: { $case: 'begin', value: { name: 'cpu', group: '', tags, size: 3n, byName: false } } }],
  ['an EndBatch', { message: { $case: 'end', value: { name: 'cpu', group: 'g', tmax: 9n, tags, byName: false } } }],
])('%s: every field counts once, cached head or not', (what, request) => {
  const body = encodeRequest(request);
  const expected = { 'a point': 17, 'a BeginBatch': 8, 'an EndBatch': 9 }[what];
  forgetCaches();
  expect(entriesOf(body)).toBe(expected);
  // Now its head is cached (a hit, or the last head): the same count.
  decodeRequestAt(body, 0, body.length);
  expect(entriesOf(body)).toBe(expected);
  expect(decodeRequestAt(body, 0, body.length, expected)).toEqual(decodeRequestAt(body, 0, body.length));
});

test('refused at the first entry over the limit, with its offset; the rest is not read', () => {
  const n = 1000;
  const body = pointRequest({ name: 'cpu', tags: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])) });
  // Garbage after the tags: a decoder reading on would fail on it instead.
  const withGarbage = Buffer.concat([Buffer.from(body), Buffer.from([0xff, 0xff, 0xff])]);
  let err: unknown;
  try {
    decodeRequestAt(withGarbage, 0, withGarbage.length, 100);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).code).toBe('ERR_TOO_MANY_ENTRIES');
  expect((err as ProtocolError).message).toContain('more than 100 entries');
  expect((err as ProtocolError).offset).toBeLessThan(body.length / 5);
});

test('repeated scalars and unknown fields count too (they cost work as well)', () => {
  // Request.point { name: "a" x 40 } and 40 unknown varint fields (99: 1) on the Request.
  const point = Buffer.from(Array.from({ length: 40 }, () => [0x12, 1, 0x61]).flat());
  const unknown = Buffer.from(Array.from({ length: 40 }, () => [0x98, 0x06, 1]).flat());
  const body = Buffer.concat([Buffer.from([0x8a, 0x01, point.length]), point, unknown]);
  expect(entriesOf(body)).toBe(81);
});

test('the Agent ends only that conversation, naming the option as the caller calls it', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const handled: string[] = [];
  const agent = new Agent({
    input,
    output,
    maxMessageEntries: 10,
    optionNames: { maxMessageEntries: '--max-message-entries' },
    logger: createLogger({ level: 'silent' }),
    handler: {
      info: () => ({ wants: 0, provides: 0, options: {} }),
      init: () => ({ success: true, error: '' }),
      snapshot: () => ({ snapshot: new Uint8Array(0) }),
      restore: () => ({ success: true, error: '' }),
      point: () => {
        handled.push('point');
      },
      beginBatch: () => undefined,
      endBatch: () => undefined,
      stop: () => undefined,
    },
  } as never);
  const done = agent.start();
  const frame = (body: Uint8Array): Buffer => {
    expect(body.length).toBeLessThan(0x4000);
    const prefix = body.length < 0x80 ? [body.length] : [(body.length & 0x7f) | 0x80, body.length >>> 7];
    return Buffer.concat([Buffer.from(prefix), body]);
  };
  input.write(frame(pointRequest({ name: 'ok', tags: { a: '1' } })));
  input.write(frame(pointRequest({ name: 'wide', tags: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'])) })));
  await expect(done).rejects.toMatchObject({ code: 'ERR_TOO_MANY_ENTRIES' });
  expect(handled).toEqual(['point']);
  const text = Buffer.concat(chunks).toString('latin1');
  expect(text).toContain('more than 10 entries');
  expect(text).toContain('raise --max-message-entries');
});

test('maxMessageEntries must be an integer >= 1', () => {
  const base = { input: new PassThrough(), output: new PassThrough(), handler: {} as never };
  expect(() => new Agent({ ...base, maxMessageEntries: 0 })).toThrow(/maxMessageEntries must be an integer >= 1/);
  expect(() => new Agent({ ...base, maxMessageEntries: 1.5 })).toThrow(RangeError);
});
