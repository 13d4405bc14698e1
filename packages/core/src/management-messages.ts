/**
 * Codecs for the management messages (info, init, snapshot, restore,
 * keepalive, error). They are rare, so clarity wins over speed here; they
 * follow the same rules as the data messages (reference-exact bytes, unknown
 * fields skipped, ProtocolError on malformed input). Tags are written as
 * tagOf(field number, wire type), as udf.proto numbers the fields.
 */
import { EncodeError } from './errors';
import { setOwn, sortedKeys } from './map-keys';
import type {
  ErrorResponse,
  InfoResponse,
  InitRequest,
  InitResponse,
  KeepaliveRequest,
  KeepaliveResponse,
  Option,
  OptionInfo,
  OptionValue,
  RestoreRequest,
  RestoreResponse,
  SnapshotResponse,
} from './protocol/udf';
import { FIXED64, LEN, tagOf, VARINT, type WireReader } from './wire-reader';
import { describeType, type WireWriter } from './wire-writer';

const NONE: (number | undefined)[] = [];
const NO_NAMES: (string | undefined)[] = [];

/** Skips every field of an empty message (InfoRequest, SnapshotRequest). */
export function readEmpty(r: WireReader, end: number): Record<string, never> {
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    r.skipField(tag, end, NONE, '', NO_NAMES);
  }
  return {};
}

// ------------------------------------------------------------------ info

const INFO_WIRE = [undefined, VARINT, VARINT, LEN];
const INFO_NAMES = [undefined, 'wants', 'provides', 'options'];
const ENTRY_WIRE = [undefined, LEN, LEN];
const ENTRY_NAMES = [undefined, 'key', 'value'];

export function readInfoResponse(r: WireReader, end: number): InfoResponse {
  const m: InfoResponse = { wants: 0, provides: 0, options: {} };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    switch (tag) {
      case tagOf(1, VARINT):
        m.wants = r.int32(end);
        break;
      case tagOf(2, VARINT):
        m.provides = r.int32(end);
        break;
      case tagOf(3, LEN): {
        const entryEnd = r.lenEnd(end);
        let key = '';
        let value: OptionInfo = { valueTypes: [] };
        while (r.pos < entryEnd) {
          const t = r.tag(entryEnd);
          if (t === tagOf(1, LEN)) key = r.string(entryEnd);
          else if (t === tagOf(2, LEN)) value = readOptionInfo(r, r.lenEnd(entryEnd));
          else r.skipField(t, entryEnd, ENTRY_WIRE, 'InfoResponse.options entry', ENTRY_NAMES);
        }
        setOwn(m.options, key, value);
        break;
      }
      default:
        r.skipField(tag, end, INFO_WIRE, 'InfoResponse', INFO_NAMES);
    }
  }
  return m;
}

function readOptionInfo(r: WireReader, end: number): OptionInfo {
  const m: OptionInfo = { valueTypes: [] };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, LEN)) {
      // packed (what every encoder writes for proto3)
      const packedEnd = r.lenEnd(end);
      while (r.pos < packedEnd) m.valueTypes.push(r.int32(packedEnd));
    } else if (tag === tagOf(1, VARINT)) {
      // unpacked: parsers must accept both forms
      m.valueTypes.push(r.int32(end));
    } else {
      r.skipField(tag, end, NONE, 'OptionInfo', NO_NAMES);
    }
  }
  return m;
}

export function writeInfoResponse(w: WireWriter, m: InfoResponse): void {
  checkObject(m, 'InfoResponse');
  if (m.wants !== 0 && m.wants !== undefined) {
    w.byte(tagOf(1, VARINT));
    w.int32(m.wants, 'InfoResponse.wants');
  }
  if (m.provides !== 0 && m.provides !== undefined) {
    w.byte(tagOf(2, VARINT));
    w.int32(m.provides, 'InfoResponse.provides');
  }
  if (m.options !== undefined) {
    checkObject(m.options, 'InfoResponse.options');
    for (const key of sortedKeys(m.options)) {
      const info = m.options[key];
      checkObject(info, `InfoResponse.options[${JSON.stringify(key)}]`);
      w.byte(tagOf(3, LEN));
      const entryLen = w.reserveLen();
      w.byte(tagOf(1, LEN));
      w.string(key, 'InfoResponse.options key');
      // The value is always written, even an empty OptionInfo (a flag).
      w.byte(tagOf(2, LEN));
      const valueLen = w.reserveLen();
      const types = info.valueTypes ?? [];
      if (!Array.isArray(types)) throw new EncodeError(`InfoResponse.options[${JSON.stringify(key)}].valueTypes must be an array`);
      if (types.length > 0) {
        w.byte(tagOf(1, LEN));
        const packedLen = w.reserveLen();
        for (const t of types) w.int32(t, `InfoResponse.options[${JSON.stringify(key)}].valueTypes[]`);
        w.finishLen(packedLen);
      }
      w.finishLen(valueLen);
      w.finishLen(entryLen);
    }
  }
}

// ------------------------------------------------------------------ init

const INIT_REQ_WIRE = [undefined, LEN, LEN, LEN];
const INIT_REQ_NAMES = [undefined, 'options', 'taskID', 'nodeID'];
const OPTION_WIRE = [undefined, LEN, LEN];
const OPTION_NAMES = [undefined, 'name', 'values'];
const OPTION_VALUE_WIRE = [undefined, VARINT, VARINT, VARINT, FIXED64, LEN, VARINT];
const OPTION_VALUE_NAMES = [undefined, 'type', 'boolValue', 'intValue', 'doubleValue', 'stringValue', 'durationValue'];

export function readInitRequest(r: WireReader, end: number): InitRequest {
  const m: InitRequest = { options: [], taskID: '', nodeID: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    switch (tag) {
      case tagOf(1, LEN):
        m.options.push(readOption(r, r.lenEnd(end)));
        break;
      case tagOf(2, LEN):
        m.taskID = r.string(end);
        break;
      case tagOf(3, LEN):
        m.nodeID = r.string(end);
        break;
      default:
        r.skipField(tag, end, INIT_REQ_WIRE, 'InitRequest', INIT_REQ_NAMES);
    }
  }
  return m;
}

function readOption(r: WireReader, end: number): Option {
  const m: Option = { name: '', values: [] };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, LEN)) m.name = r.string(end);
    else if (tag === tagOf(2, LEN)) m.values.push(readOptionValue(r, r.lenEnd(end)));
    else r.skipField(tag, end, OPTION_WIRE, 'Option', OPTION_NAMES);
  }
  return m;
}

function readOptionValue(r: WireReader, end: number): OptionValue {
  const m: OptionValue = { type: 0, value: undefined };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    switch (tag) {
      case tagOf(1, VARINT):
        m.type = r.int32(end);
        break;
      case tagOf(2, VARINT):
        m.value = { $case: 'boolValue', value: r.bool(end) };
        break;
      case tagOf(3, VARINT):
        m.value = { $case: 'intValue', value: r.int64(end) };
        break;
      case tagOf(4, FIXED64):
        m.value = { $case: 'doubleValue', value: r.double(end) };
        break;
      case tagOf(5, LEN):
        m.value = { $case: 'stringValue', value: r.string(end) };
        break;
      case tagOf(6, VARINT):
        m.value = { $case: 'durationValue', value: r.int64(end) };
        break;
      default:
        r.skipField(tag, end, OPTION_VALUE_WIRE, 'OptionValue', OPTION_VALUE_NAMES);
    }
  }
  return m;
}

export function writeInitRequest(w: WireWriter, m: InitRequest): void {
  checkObject(m, 'InitRequest');
  for (const option of m.options ?? []) {
    checkObject(option, 'InitRequest.options[]');
    w.byte(tagOf(1, LEN));
    const optionLen = w.reserveLen();
    if (option.name !== '' && option.name !== undefined) {
      w.byte(tagOf(1, LEN));
      w.string(option.name, 'Option.name');
    }
    for (const value of option.values ?? []) {
      checkObject(value, 'Option.values[]');
      w.byte(tagOf(2, LEN));
      const valueLen = w.reserveLen();
      writeOptionValue(w, value);
      w.finishLen(valueLen);
    }
    w.finishLen(optionLen);
  }
  writeStringField(w, tagOf(2, LEN), m.taskID, 'InitRequest.taskID');
  writeStringField(w, tagOf(3, LEN), m.nodeID, 'InitRequest.nodeID');
}

function writeOptionValue(w: WireWriter, m: OptionValue): void {
  if (m.type !== 0 && m.type !== undefined) {
    w.byte(tagOf(1, VARINT));
    w.int32(m.type, 'OptionValue.type');
  }
  const v = m.value;
  if (v === undefined) return;
  // A oneof member is written even when it holds the default value.
  switch (v.$case) {
    case 'boolValue':
      w.byte(tagOf(2, VARINT));
      w.bool(v.value, 'OptionValue.boolValue');
      break;
    case 'intValue':
      w.byte(tagOf(3, VARINT));
      w.int64(v.value, 'OptionValue.intValue');
      break;
    case 'doubleValue':
      w.byte(tagOf(4, FIXED64));
      w.double(v.value, 'OptionValue.doubleValue');
      break;
    case 'stringValue':
      w.byte(tagOf(5, LEN));
      w.string(v.value, 'OptionValue.stringValue');
      break;
    case 'durationValue':
      w.byte(tagOf(6, VARINT));
      w.int64(v.value, 'OptionValue.durationValue');
      break;
    default:
      throw new EncodeError(`OptionValue.value has unknown $case ${JSON.stringify((v as { $case: unknown }).$case)}`);
  }
}

const SUCCESS_ERROR_WIRE = [undefined, VARINT, LEN];
const SUCCESS_ERROR_NAMES = [undefined, 'success', 'error'];

/** InitResponse and RestoreResponse share their shape: {success = 1, error = 2}. */
export function readSuccessError(r: WireReader, end: number, message: string): InitResponse & RestoreResponse {
  const m = { success: false, error: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, VARINT)) m.success = r.bool(end);
    else if (tag === tagOf(2, LEN)) m.error = r.string(end);
    else r.skipField(tag, end, SUCCESS_ERROR_WIRE, message, SUCCESS_ERROR_NAMES);
  }
  return m;
}

export function writeSuccessError(w: WireWriter, m: InitResponse | RestoreResponse, message: string): void {
  checkObject(m, message);
  if (m.success !== false && m.success !== undefined) {
    w.byte(tagOf(1, VARINT));
    w.bool(m.success, `${message}.success`);
  }
  writeStringField(w, tagOf(2, LEN), m.error, `${message}.error`);
}

// ------------------------------------------------- snapshot / restore

const SNAPSHOT_WIRE = [undefined, LEN];
const SNAPSHOT_NAMES = [undefined, 'snapshot'];

/** SnapshotResponse and RestoreRequest share their shape: {snapshot = 1 : bytes}. */
export function readSnapshot(r: WireReader, end: number, message: string): SnapshotResponse & RestoreRequest {
  let snapshot: Buffer = Buffer.alloc(0);
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, LEN)) snapshot = r.bytes(end);
    else r.skipField(tag, end, SNAPSHOT_WIRE, message, SNAPSHOT_NAMES);
  }
  return { snapshot };
}

export function writeSnapshot(w: WireWriter, m: SnapshotResponse | RestoreRequest, message: string): void {
  checkObject(m, message);
  const s = m.snapshot;
  if (s === undefined || s.length === 0) return;
  w.byte(tagOf(1, LEN));
  w.bytes(s, `${message}.snapshot`);
}

// ------------------------------------------------------ keepalive / error

const TIME_WIRE = [undefined, VARINT];
const TIME_NAMES = [undefined, 'time'];

/** KeepaliveRequest and KeepaliveResponse share their shape: {time = 1 : int64}. */
export function readKeepalive(r: WireReader, end: number, message: string): KeepaliveRequest & KeepaliveResponse {
  let time = 0n;
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, VARINT)) time = r.int64(end);
    else r.skipField(tag, end, TIME_WIRE, message, TIME_NAMES);
  }
  return { time };
}

export function writeKeepalive(w: WireWriter, m: KeepaliveRequest | KeepaliveResponse, message: string): void {
  checkObject(m, message);
  if (m.time !== 0n && m.time !== undefined) {
    w.byte(tagOf(1, VARINT));
    w.int64(m.time, `${message}.time`);
  }
}

const ERROR_WIRE = [undefined, LEN];
const ERROR_NAMES = [undefined, 'error'];

export function readErrorResponse(r: WireReader, end: number): ErrorResponse {
  let error = '';
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    if (tag === tagOf(1, LEN)) error = r.string(end);
    else r.skipField(tag, end, ERROR_WIRE, 'ErrorResponse', ERROR_NAMES);
  }
  return { error };
}

export function writeErrorResponse(w: WireWriter, m: ErrorResponse): void {
  checkObject(m, 'ErrorResponse');
  writeStringField(w, tagOf(1, LEN), m.error, 'ErrorResponse.error');
}

// ---------------------------------------------------------------- helpers

function writeStringField(w: WireWriter, tag: number, s: string | undefined, what: string): void {
  if (s === '' || s === undefined) return;
  w.byte(tag);
  w.string(s, what);
}

function checkObject(v: unknown, what: string): void {
  if (v === null || typeof v !== 'object') throw new EncodeError(`${what} must be an object, got ${describeType(v)}`);
}
