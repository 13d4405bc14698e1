/**
 * The wire reader against a plain reference: every varint read (tags,
 * lengths, int64, int32, bool) on arbitrary bytes and limits either gives
 * the value and position the protobuf rules give, or fails with the error
 * and offset they call for. Bytes past the limit are always there (and
 * often look like a varint's end), so a read that crossed the limit would
 * show. Also: skipping unknown fields of each wire type, nested groups, the
 * entry count, and strings at the string cache's boundaries.
 */
import fc from 'fast-check';
import { ProtocolError } from '../src/errors';
import { FIXED32, FIXED64, LEN, START_GROUP, tagOf, VARINT, WireReader } from '../src/wire-reader';

type Outcome = { value: unknown; pos: number } | { error: string; offset: number };

/** Runs `read` on a fresh reader over buf[start, limit) and says what came of it. */
function outcome(buf: Uint8Array, start: number, limit: number, read: (r: WireReader) => unknown): Outcome {
  const reader = new WireReader(buf, start, limit);
  try {
    const value = read(reader);
    return { value, pos: reader.pos };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return { error: err.message, offset: err.offset };
  }
}

/** The reference varint: up to 10 bytes, the 10th at most 1, never past `limit`. */
function refVarint(buf: Uint8Array, pos: number, limit: number): { value: bigint; end: number } | { fail: string } {
  let value = 0n;
  for (let k = 0; k < 10; k++) {
    if (pos + k >= limit) return { fail: 'truncated varint' };
    const b = buf[pos + k];
    if (k === 9 && b > 1) return { fail: 'varint overflows 64 bits' };
    value |= BigInt(b & 0x7f) << BigInt(7 * k);
    if (b < 0x80) return { value, end: pos + k + 1 };
  }
  throw new Error('unreachable: the 10th byte ends the varint or fails');
}

const invalid = (what: string, offset: number): Outcome => ({
  error: `invalid protobuf message: ${what} at byte ${offset} of the message`,
  offset,
});

/** Expected outcomes of each read, from refVarint. Offsets are relative to `start`. */
const reference = {
  int64(buf: Uint8Array, start: number, limit: number): Outcome {
    const v = refVarint(buf, start, limit);
    if ('fail' in v) return invalid(v.fail, 0);
    return { value: BigInt.asIntN(64, v.value), pos: v.end };
  },
  int32(buf: Uint8Array, start: number, limit: number): Outcome {
    const v = refVarint(buf, start, limit);
    if ('fail' in v) return invalid(v.fail, 0);
    return { value: Number(BigInt.asIntN(32, v.value)), pos: v.end };
  },
  bool(buf: Uint8Array, start: number, limit: number): Outcome {
    const v = refVarint(buf, start, limit);
    if ('fail' in v) return invalid(v.fail, 0);
    return { value: v.value !== 0n, pos: v.end };
  },
  tag(buf: Uint8Array, start: number, limit: number): Outcome {
    const v = refVarint(buf, start, limit);
    if ('fail' in v) return invalid(v.fail, 0);
    if (v.end === start + 1 && v.value < 8n) return invalid(`field number 0 (tag ${v.value})`, 0);
    if (v.value >= 2n ** 32n || v.value >> 3n === 0n) return invalid('invalid field tag', 0);
    return { value: Number(v.value), pos: v.end };
  },
  lenEnd(buf: Uint8Array, start: number, limit: number): Outcome {
    const v = refVarint(buf, start, limit);
    if ('fail' in v) return invalid(v.fail, 0);
    if (v.value >= 2n ** 32n) return invalid('length out of range', 0);
    const end = v.end + Number(v.value);
    if (end > limit) return invalid(`length ${v.value} runs past the end of the enclosing message`, 0);
    return { value: end, pos: v.end };
  },
};

const reads: Record<keyof typeof reference, (r: WireReader, limit: number) => unknown> = {
  int64: (r, limit) => r.int64(limit),
  int32: (r, limit) => r.int32(limit),
  bool: (r, limit) => r.bool(limit),
  tag: (r, limit) => r.tag(limit),
  lenEnd: (r, limit) => r.lenEnd(limit),
};

/** Varint-like bytes: mostly continuation bytes, some ends, some 0 and 1 (the 10th byte's edge). */
const wireByte = fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0x7f }), fc.constantFrom(0, 1, 2, 0x80, 0x81));

/** Bytes, where the read starts, and where its limit is (bytes after the limit stay in the buffer). */
const input = fc
  .array(wireByte, { minLength: 1, maxLength: 14 })
  .chain((bytes) =>
    fc.record({
      bytes: fc.constant(Uint8Array.from(bytes)),
      start: fc.integer({ min: 0, max: 2 }),
      cut: fc.integer({ min: 0, max: bytes.length }),
    }),
  )
  .map(({ bytes, start, cut }) => {
    // A prefix before `start` (so offsets are checked relative to it) and one byte after the buffer's data.
    const buf = new Uint8Array(start + bytes.length + 1);
    buf.fill(0x05, 0, start);
    buf.set(bytes, start);
    buf[buf.length - 1] = 0x01;
    return { buf, start, limit: start + Math.min(cut, bytes.length) };
  });

describe('WireReader varints against the reference', () => {
  test.each(Object.keys(reference) as Array<keyof typeof reference>)('%s on arbitrary bytes and limits', (name) => {
    fc.assert(
      fc.property(input, ({ buf, start, limit }) => {
        const got = outcome(buf, start, limit, (r) => reads[name](r, limit));
        const want = reference[name](buf, start, limit);
        expect(got).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });

  /** `value` as a varint of exactly `size` bytes (padded with continuation bytes of zero bits). */
  function padded(value: bigint, size: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < size; k++) {
      const bits = Number((value >> BigInt(7 * k)) & 0x7fn);
      out.push(k === size - 1 ? bits : bits | 0x80);
    }
    return out;
  }

  test('every int64 at every varint length from 1 to 10 bytes, with the limit just after it and well after it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        (v, size, tight) => {
          const unsigned = BigInt.asUintN(64, v);
          const minimal = unsigned === 0n ? 1 : Math.ceil(unsigned.toString(2).length / 7);
          const bytes = padded(unsigned, Math.max(size, minimal));
          const buf = Uint8Array.from([...bytes, 0x01, 0x02]);
          const limit = tight ? bytes.length : buf.length;
          expect(outcome(buf, 0, limit, (r) => r.int64(limit))).toEqual({ value: v, pos: bytes.length });
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a 9-byte time is read whole, also when it ends exactly at the limit', () => {
    const t = 1_700_000_000_123_456_789n;
    const bytes = padded(t, 9);
    expect(outcome(Uint8Array.from(bytes), 0, 9, (r) => r.int64(9))).toEqual({ value: t, pos: 9 });
    // A shorter varint followed by bytes whose 9th is below 0x80: not a 9-byte varint.
    const buf = Uint8Array.from([0x96, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    expect(outcome(buf, 0, 9, (r) => r.int64(9))).toEqual({ value: 150n, pos: 2 });
  });

  test('a 10th byte above 1 overflows 64 bits, whatever its continuation bit', () => {
    for (const last of [0x02, 0x7f, 0x80, 0xff]) {
      const buf = Uint8Array.from([...Array(9).fill(0xff), last, 0x01]);
      expect(outcome(buf, 0, buf.length, (r) => r.int64(buf.length))).toEqual(invalid('varint overflows 64 bits', 0));
    }
    const max = Uint8Array.from([...Array(9).fill(0xff), 0x01]);
    expect(outcome(max, 0, 10, (r) => r.int64(10))).toEqual({ value: -1n, pos: 10 });
  });

  test('bool reads any non-zero varint as true, also one whose low 32 bits are zero', () => {
    expect(outcome(Uint8Array.from(padded(2n ** 32n, 5)), 0, 5, (r) => r.bool(5))).toEqual({ value: true, pos: 5 });
    expect(outcome(Uint8Array.from([0x80, 0x00]), 0, 2, (r) => r.bool(2))).toEqual({ value: false, pos: 2 });
    expect(outcome(Uint8Array.from([0x81, 0x00]), 0, 2, (r) => r.bool(2))).toEqual({ value: true, pos: 2 });
  });
});

describe('WireReader.double', () => {
  test('needs all 8 bytes before the limit', () => {
    const buf = new Uint8Array(10);
    new DataView(buf.buffer).setFloat64(1, 2.5, true);
    expect(outcome(buf, 1, 9, (r) => r.double(9))).toEqual({ value: 2.5, pos: 9 });
    expect(outcome(buf, 1, 8, (r) => r.double(8))).toEqual(invalid('truncated double', 0));
  });
});

describe('WireReader.skipField', () => {
  const WIRE_TYPES = [undefined, LEN, VARINT];
  const NAMES = [undefined, 'name', 'count'];

  /** Skips the one field in `bytes` (tag first); returns where the reader stopped, or the error. */
  function skip(bytes: number[], limit = bytes.length): Outcome {
    const buf = Uint8Array.from([...bytes, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    return outcome(buf, 0, limit, (r) => r.skipField(r.tag(limit), limit, WIRE_TYPES, 'Msg', NAMES));
  }

  test('skips an unknown field of each wire type', () => {
    expect(skip([tagOf(9, VARINT), 0x96, 0x01])).toEqual({ value: undefined, pos: 3 });
    expect(skip([tagOf(9, FIXED64), 1, 2, 3, 4, 5, 6, 7, 8])).toEqual({ value: undefined, pos: 9 });
    expect(skip([tagOf(9, LEN), 2, 0x61, 0x62])).toEqual({ value: undefined, pos: 4 });
    expect(skip([tagOf(9, FIXED32), 1, 2, 3, 4])).toEqual({ value: undefined, pos: 5 });
    expect(skip([tagOf(9, START_GROUP), tagOf(10, VARINT), 1, tagOf(9, 4)])).toEqual({ value: undefined, pos: 4 });
  });

  test('refuses fixed-size fields cut by the limit, and a length past it', () => {
    expect(skip([tagOf(9, FIXED64), 1, 2, 3, 4, 5, 6, 7])).toEqual(invalid('truncated fixed64 field', 1));
    expect(skip([tagOf(9, FIXED32), 1, 2, 3])).toEqual(invalid('truncated fixed32 field', 1));
    expect(skip([tagOf(9, LEN), 3, 0x61, 0x62])).toEqual(invalid('length 3 runs past the end of the enclosing message', 1));
  });

  test('a known field with another wire type is an error naming it; an unknown one with any type is skipped', () => {
    expect(skip([tagOf(2, LEN), 1, 0x61])).toEqual(
      invalid('Msg.count (field 2) has wire type 2 (length-delimited), expected 0 (varint)', 0),
    );
    expect(skip([tagOf(1, VARINT), 5])).toEqual(invalid('Msg.name (field 1) has wire type 0 (varint), expected 2 (length-delimited)', 0));
    // Field 3 is past the table: unknown, skipped whatever its type.
    expect(skip([tagOf(3, LEN), 1, 0x61])).toEqual({ value: undefined, pos: 3 });
    // Every wire type has its name in the message, also the deprecated and the invalid ones.
    expect(skip([tagOf(2, START_GROUP), tagOf(2, 4)])).toEqual(
      invalid('Msg.count (field 2) has wire type 3 (start-group), expected 0 (varint)', 0),
    );
    expect(skip([tagOf(2, 4)])).toEqual(invalid('Msg.count (field 2) has wire type 4 (end-group), expected 0 (varint)', 0));
    expect(skip([tagOf(1, FIXED32), 0, 0, 0, 0])).toEqual(
      invalid('Msg.name (field 1) has wire type 5 (fixed32), expected 2 (length-delimited)', 0),
    );
    expect(skip([tagOf(1, 7)])).toEqual(invalid('Msg.name (field 1) has wire type 7 (invalid), expected 2 (length-delimited)', 0));
  });

  test('groups: nested ones are skipped, a wrong, missing or stray end-group tag and deep nesting are errors', () => {
    const nested = [tagOf(9, START_GROUP), tagOf(10, START_GROUP), tagOf(11, VARINT), 7, tagOf(10, 4), tagOf(9, 4)];
    expect(skip(nested)).toEqual({ value: undefined, pos: nested.length });
    expect(skip([tagOf(9, START_GROUP), tagOf(10, VARINT), 1])).toEqual(invalid('unterminated group (field 9)', 3));
    expect(skip([tagOf(9, START_GROUP), tagOf(8, 4)])).toEqual(invalid('end-group tag for field 8 inside group 9', 2));
    expect(skip([tagOf(9, 4)])).toEqual(invalid('unexpected end-group tag (field 9)', 0));
    expect(skip([tagOf(9, 6)])).toEqual(invalid('invalid wire type 6 (field 9)', 0));
    const open = (n: number) => Array.from({ length: n }, () => tagOf(9, START_GROUP));
    const close = (n: number) => Array.from({ length: n }, () => tagOf(9, 4));
    // 100 nested groups (the one skipped and 99 inside it) are accepted, 101 are not.
    expect(skip([...open(100), ...close(100)])).toEqual({ value: undefined, pos: 200 });
    expect(skip([...open(101), ...close(101)])).toEqual(invalid('groups nested deeper than 100 (field 9)', 100));
  });
});

describe('WireReader entry count', () => {
  test('countEntry refuses the first entry over the limit, with where', () => {
    const r = new WireReader(new Uint8Array(8), 2, 8).limitEntries(3);
    r.pos = 5;
    r.countEntry();
    r.countEntry();
    r.countEntry();
    expect(() => r.countEntry()).toThrow(
      expect.objectContaining({
        code: 'ERR_TOO_MANY_ENTRIES',
        offset: 3,
        message: 'more than 3 entries (fields, tags, dimensions) in one message, refused at byte 3 of the message',
      }),
    );
  });

  test('countEntries takes several at once, up to exactly the limit', () => {
    const r = new WireReader(new Uint8Array(4)).limitEntries(5);
    r.countEntries(2);
    r.countEntries(3);
    expect(r.entriesLeft).toBe(0);
    expect(() => r.countEntries(1)).toThrow(expect.objectContaining({ code: 'ERR_TOO_MANY_ENTRIES' }));
  });

  test('reset() forgets the count of the last body', () => {
    const bytes = new Uint8Array(4);
    const r = new WireReader(bytes).limitEntries(1);
    r.countEntry();
    r.reset(bytes, 0, 4);
    r.countEntry();
    r.countEntry();
    expect(r.entriesLeft).toBe(Number.MAX_SAFE_INTEGER - 2);
  });
});

describe('WireReader strings', () => {
  /** Reads `text` as a length-delimited string framed in other bytes, through a reader reset() onto it. */
  function readString(reader: WireReader, text: Uint8Array): string {
    const buf = Uint8Array.from([0x7a, text.length, ...text, 0x80, 0x80]);
    reader.reset(buf, 1, buf.length - 2);
    const s = reader.string(buf.length - 2);
    expect(reader.pos).toBe(buf.length - 2);
    return s;
  }

  test('ASCII strings of every length around the cache limit (40) read back, again and again', () => {
    const reader = new WireReader(new Uint8Array(0));
    for (let n = 0; n <= 45; n++) {
      const text = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'.slice(0, n);
      for (let round = 0; round < 3; round++) expect(readString(reader, Buffer.from(text))).toBe(text);
    }
  });

  test('many strings that share slots of the cache each read back as themselves', () => {
    const reader = new WireReader(new Uint8Array(0));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 44 }), { minLength: 1, maxLength: 60 }), (texts) => {
        for (let round = 0; round < 2; round++) {
          for (const text of texts) expect(readString(reader, Buffer.from(text))).toBe(text);
        }
      }),
      { numRuns: 60 },
    );
    const many = Array.from({ length: 6000 }, (_, i) => `server${i}`);
    for (const text of many) expect(readString(reader, Buffer.from(text))).toBe(text);
    for (const text of many.slice(0, 500)) expect(readString(reader, Buffer.from(text))).toBe(text);
  });

  test('a string holding U+FFFD itself is valid; invalid UTF-8 is refused at its byte', () => {
    const reader = new WireReader(new Uint8Array(0));
    expect(readString(reader, Buffer.from('a\uFFFDb'))).toBe('a\uFFFDb');
    expect(readString(reader, Buffer.from('é'.repeat(30)))).toBe('é'.repeat(30));
    // The replacement character at index 1 (after one ASCII letter) as at any other.
    expect(() => readString(reader, Uint8Array.from([0x61, 0xff]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_MESSAGE', offset: 2 }),
    );
    const bad = Uint8Array.from([0x61, 0x62, 0xff, 0x63]);
    expect(() => readString(reader, bad)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_MESSAGE',
        message: 'invalid protobuf message: invalid UTF-8 in a string (byte 0xff) at byte 3 of the message',
        offset: 3,
      }),
    );
  });

  test('bytes() copies exactly the announced bytes', () => {
    const buf = Uint8Array.from([3, 1, 2, 3, 9]);
    const r = new WireReader(buf, 0, 4);
    const out = r.bytes(4);
    expect([...out]).toEqual([1, 2, 3]);
    expect(r.pos).toBe(4);
    buf[1] = 42;
    expect(out[0]).toBe(1);
  });
});
