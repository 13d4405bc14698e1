import * as zlib from 'node:zlib';
import * as fc from 'fast-check';
import { RequestFrames } from '../src/encode-requests';
import { readStreamRecording } from '../src/stream-recording';
import { streamRecordingFrames } from '../src/stream-recording-frames';

/** The frames of the general path: readStreamRecording's points through core's encoder. */
async function generalFrames(gz: Buffer): Promise<Buffer> {
  const frames = new RequestFrames();
  for await (const points of readStreamRecording([gz])) for (const p of points) frames.point(p);
  return Buffer.from(frames.take().bytes);
}

async function fastFrames(gz: Buffer, chunkBytes?: number): Promise<{ bytes: Buffer; points: number }> {
  const parts: Buffer[] = [];
  let points = 0;
  for await (const c of streamRecordingFrames([gz], chunkBytes)) {
    parts.push(Buffer.from(c.bytes));
    points += c.points;
  }
  return { bytes: Buffer.concat(parts), points };
}

const record = (lines: string[]): Buffer => zlib.gzipSync(Buffer.from(lines.join('\n')));

describe('streamRecordingFrames: the same frames as the general path', () => {
  const lines = [
    // The common shape, its series repeated (the second of each takes the fast path).
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=90.5,usage_user=0.25 1700000000000000000',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=-0,usage_user=.5 1700000000000000001',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1.,usage_user=-12345678901234567890 1',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 0',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 9223372036854775807',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 0000000000000268435456',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 268435455',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 72057594037927936',
    // Shapes the fast path leaves to the general one.
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_user=2,usage_idle=1 5',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1e3 5',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1i,s="x y",b=t 5',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1 -5',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1   5\r',
    'telegraf',
    'autogen',
    'cpu,host=a,cpu=cpu0 usage_idle=1 5',
    'telegraf',
    'autogen',
    'cpu,host=a,cpu=cpu0 usage_idle=1 6',
    'telegraf',
    'autogen',
    'c\\ pu,host=a\\,b v=1 7',
    'telegraf',
    'autogen',
    'c\\ pu,host=a\\,b v=1 8',
    'other',
    '',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 9',
    'other',
    '',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 10',
    'telegraf',
    'autogen',
    'cpu,cpu=cpu0,host=a usage_idle=1,usage_user=2 11',
    'tële',
    'autogen',
    'mé,t=ü v=1 12',
    'tële',
    'autogen',
    'mé,t=ü v=1 13',
  ];

  it('for the common shape and every shape it leaves to parseLine', async () => {
    const gz = record(lines);
    const fast = await fastFrames(gz, 64);
    expect(fast.points).toBe(lines.length / 3);
    expect(fast.bytes.equals(await generalFrames(gz))).toBe(true);
  });

  it('for lines split across decompressed chunks, and a line longer than a chunk', async () => {
    const text: string[] = [];
    for (let i = 0; i < 4000; i++) {
      text.push('telegraf', 'autogen', `cpu,cpu=cpu${i % 8},host=host${i % 100} usage_idle=${i / 7},usage_user=${i} ${i}`);
      if (i === 2000) text.push('telegraf', 'autogen', `cpu s="${'x'.repeat(600_000)}" ${i}`);
    }
    const gz = record(text);
    const fast = await fastFrames(gz);
    expect(fast.points).toBe(4001);
    expect(fast.bytes.equals(await generalFrames(gz))).toBe(true);
  });

  it('for random lines of plain tokens (property)', async () => {
    const token = fc.stringMatching(/^[a-c]{1,3}$/);
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.stringMatching(/^-?[0-9]{0,10}\.?[0-9]{0,10}$/),
    );
    const line = fc.tuple(
      fc.constantFrom('db', 'other'),
      token,
      fc.array(fc.tuple(token, token), { maxLength: 3 }),
      fc.array(fc.tuple(token, number), { minLength: 1, maxLength: 3 }),
      fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), fc.stringMatching(/^-?[0-9]{1,21}$/)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 20 }), async (recs) => {
        const text: string[] = [];
        for (const [db, name, tags, fields, time] of recs) {
          const t = tags.map(([k, v]) => `,${k}=${v}`).join('');
          text.push(db, 'rp', `${name}${t} ${fields.map(([k, v]) => `${k}=${v}`).join(',')} ${time}`);
        }
        // Twice: the second time every series is known.
        const gz = record([...text, ...text]);
        let general: Buffer | Error;
        try {
          general = await generalFrames(gz);
        } catch (err) {
          general = err as Error;
        }
        if (general instanceof Error) {
          await expect(fastFrames(gz)).rejects.toThrow(general.message);
        } else {
          expect((await fastFrames(gz)).bytes.equals(general)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('streamRecordingFrames: errors', () => {
  it('hands on the points before a bad line, then names its line', async () => {
    const gz = record(['db', 'rp', 'cpu v=1 1', 'db', 'rp', 'cpu v=1 2', 'db', 'rp', 'cpu v= 3']);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const c of streamRecordingFrames([gz])) got.push(c.points);
      })(),
    ).rejects.toThrow(/line 9: field "v" has no value/);
    expect(got).toEqual([2]);
  });
  it('refuses a record cut short and bytes that are not UTF-8', async () => {
    await expect(fastFrames(record(['db', 'rp', 'cpu v=1 1', 'db']))).rejects.toThrow(/ends in the middle of a record/);
    await expect(fastFrames(zlib.gzipSync(Buffer.from([0x64, 0xff, 0x0a, 0x72, 0x0a, 0x63, 0x20])))).rejects.toThrow(/not UTF-8 text/);
  });
});
