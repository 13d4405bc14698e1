/**
 * Field tags (field number << 3 | wire type) of udf.proto's data messages
 * (Point, BeginBatch, EndBatch and their map entries), and each field's
 * expected wire type and name, shared by decode-data.ts and encode-data.ts.
 */
import { FIXED64, LEN, tagOf, VARINT } from './wire-reader';

export const POINT_TIME = tagOf(1, VARINT); // 8
export const POINT_NAME = tagOf(2, LEN); // 18
export const POINT_DATABASE = tagOf(3, LEN); // 26
export const POINT_RETENTION_POLICY = tagOf(4, LEN); // 34
export const POINT_GROUP = tagOf(5, LEN); // 42
export const POINT_DIMENSIONS = tagOf(6, LEN); // 50
export const POINT_TAGS = tagOf(7, LEN); // 58
export const POINT_FIELDS_DOUBLE = tagOf(8, LEN); // 66
export const POINT_FIELDS_INT = tagOf(9, LEN); // 74
export const POINT_FIELDS_STRING = tagOf(10, LEN); // 82
export const POINT_BY_NAME = tagOf(11, VARINT); // 88
export const POINT_FIELDS_BOOL = tagOf(12, LEN); // 98
export const BEGIN_BATCH_NAME = tagOf(1, LEN); // 10
export const BEGIN_BATCH_GROUP = tagOf(2, LEN); // 18
export const BEGIN_BATCH_TAGS = tagOf(3, LEN); // 26
export const BEGIN_BATCH_SIZE = tagOf(4, VARINT); // 32
export const BEGIN_BATCH_BY_NAME = tagOf(5, VARINT); // 40
export const END_BATCH_NAME = tagOf(1, LEN); // 10
export const END_BATCH_GROUP = tagOf(2, LEN); // 18
export const END_BATCH_TMAX = tagOf(3, VARINT); // 24
export const END_BATCH_TAGS = tagOf(4, LEN); // 34
export const END_BATCH_BY_NAME = tagOf(5, VARINT); // 40
// Map entries: {1: key, 2: value}.
export const ENTRY_KEY = tagOf(1, LEN); // 10
export const ENTRY_STRING_VALUE = tagOf(2, LEN); // 18
export const ENTRY_DOUBLE_VALUE = tagOf(2, FIXED64); // 17
export const ENTRY_VARINT_VALUE = tagOf(2, VARINT); // 16

// Expected wire type and name of each field number, for error messages and
// for telling a malformed known field from an unknown one.
export const POINT_WIRE = [undefined, VARINT, LEN, LEN, LEN, LEN, LEN, LEN, LEN, LEN, LEN, VARINT, LEN];
export const POINT_NAMES = [
  undefined,
  'time',
  'name',
  'database',
  'retentionPolicy',
  'group',
  'dimensions',
  'tags',
  'fieldsDouble',
  'fieldsInt',
  'fieldsString',
  'byName',
  'fieldsBool',
];
export const BEGIN_WIRE = [undefined, LEN, LEN, LEN, VARINT, VARINT];
export const BEGIN_NAMES = [undefined, 'name', 'group', 'tags', 'size', 'byName'];
export const END_WIRE = [undefined, LEN, LEN, VARINT, LEN, VARINT];
export const END_NAMES = [undefined, 'name', 'group', 'tmax', 'tags', 'byName'];
export const ENTRY_NAMES = [undefined, 'key', 'value'];
export const STRING_ENTRY_WIRE = [undefined, LEN, LEN];
export const DOUBLE_ENTRY_WIRE = [undefined, LEN, FIXED64];
export const VARINT_ENTRY_WIRE = [undefined, LEN, VARINT];
