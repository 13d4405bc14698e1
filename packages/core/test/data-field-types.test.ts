/**
 * Every field of udf.proto's data messages sent with another wire type than
 * the .proto gives it is refused with the message's and the field's names
 * and both wire types (and an unknown field number is skipped). The table
 * below is written from proto/udf.proto, not from the decoder's own tables.
 */
import { decodeRequest } from '../src/codec';
import { tagOf } from '../src/wire-reader';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const TYPE_NAMES = ['varint', 'fixed64', 'length-delimited'];

/** `n` as varint bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A field of the given wire type with a small, well-formed value. */
function fieldOf(field: number, wireType: number): number[] {
  const value = wireType === VARINT ? [1] : wireType === FIXED64 ? [0, 0, 0, 0, 0, 0, 0, 0] : [1, 0x61];
  return [...varint(tagOf(field, wireType)), ...value];
}

/** A Request whose oneof field `requestField` (16-18: two-byte tags) holds `body`. */
function request(requestField: number, body: number[]): Uint8Array {
  return Uint8Array.from([...varint(tagOf(requestField, LEN)), ...varint(body.length), ...body]);
}

/** A map entry message (key, value) as the body of map field `mapField`. */
function inEntry(mapField: number, entry: number[]): number[] {
  return [tagOf(mapField, LEN), entry.length, ...entry];
}

// [message, its Request field, [field number, name, wire type] per .proto field]
const MESSAGES: Array<[string, number, Array<[number, string, number]>]> = [
  [
    'Point',
    17,
    [
      [1, 'time', VARINT],
      [2, 'name', LEN],
      [3, 'database', LEN],
      [4, 'retentionPolicy', LEN],
      [5, 'group', LEN],
      [6, 'dimensions', LEN],
      [7, 'tags', LEN],
      [8, 'fieldsDouble', LEN],
      [9, 'fieldsInt', LEN],
      [10, 'fieldsString', LEN],
      [11, 'byName', VARINT],
      [12, 'fieldsBool', LEN],
    ],
  ],
  [
    'BeginBatch',
    16,
    [
      [1, 'name', LEN],
      [2, 'group', LEN],
      [3, 'tags', LEN],
      [4, 'size', VARINT],
      [5, 'byName', VARINT],
    ],
  ],
  [
    'EndBatch',
    18,
    [
      [1, 'name', LEN],
      [2, 'group', LEN],
      [3, 'tmax', VARINT],
      [4, 'tags', LEN],
      [5, 'byName', VARINT],
    ],
  ],
];

const cases = MESSAGES.flatMap(([message, requestField, fields]) =>
  fields.map(([field, name, wireType]) => ({ message, requestField, field, name, wireType })),
);

describe.each(cases)('$message field $name ($field)', ({ message, requestField, field, name, wireType }) => {
  test('another wire type is refused, naming both', () => {
    const wrong = wireType === VARINT ? LEN : VARINT;
    expect(() => decodeRequest(request(requestField, fieldOf(field, wrong)))).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_MESSAGE',
        message: expect.stringContaining(
          `${message}.${name} (field ${field}) has wire type ${wrong} (${TYPE_NAMES[wrong]}), expected ${wireType} (${TYPE_NAMES[wireType]})`,
        ),
      }),
    );
  });
});

test.each([
  ['Point', 17, 13],
  ['BeginBatch', 16, 6],
  ['EndBatch', 18, 6],
])('%s: an unknown field number of any wire type is skipped', (_message, requestField, field) => {
  for (const wireType of [VARINT, FIXED64, LEN]) {
    expect(() => decodeRequest(request(requestField, fieldOf(field, wireType)))).not.toThrow();
  }
});

// Map entries: {1: key (string), 2: value}, the value's type by map.
const ENTRIES: Array<[string, number, number, number]> = [
  ['Point.tags', 17, 7, LEN],
  ['Point.fieldsString', 17, 10, LEN],
  ['Point.fieldsDouble', 17, 8, FIXED64],
  ['Point.fieldsInt', 17, 9, VARINT],
  ['Point.fieldsBool', 17, 12, VARINT],
  ['BeginBatch.tags', 16, 3, LEN],
  ['EndBatch.tags', 18, 4, LEN],
];

describe.each(ENTRIES)('%s entry', (what, requestField, mapField, valueType) => {
  test('a key or a value of another wire type is refused; an unknown entry field is skipped', () => {
    const key = [tagOf(1, LEN), 1, 0x6b];
    const wrongValue = valueType === VARINT ? LEN : VARINT;
    expect(() => decodeRequest(request(requestField, inEntry(mapField, [...key, ...fieldOf(2, wrongValue)])))).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(
          `${what} entry.value (field 2) has wire type ${wrongValue} (${TYPE_NAMES[wrongValue]}), expected ${valueType} (${TYPE_NAMES[valueType]})`,
        ),
      }),
    );
    expect(() => decodeRequest(request(requestField, inEntry(mapField, [...fieldOf(1, VARINT), ...fieldOf(2, valueType)])))).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(`${what} entry.key (field 1) has wire type 0 (varint), expected 2 (length-delimited)`),
      }),
    );
    expect(() =>
      decodeRequest(request(requestField, inEntry(mapField, [...key, ...fieldOf(2, valueType), ...fieldOf(3, VARINT)]))),
    ).not.toThrow();
  });
});
