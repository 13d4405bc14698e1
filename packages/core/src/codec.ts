/**
 * Encoding and decoding of whole Request / Response bodies (without the
 * length prefix; see frame-decoder.ts and encode-frame.ts for framing).
 */
import { readBeginBatch, readEndBatch, readPoint } from './decode-data';
import { writeBeginBatch, writeEndBatch, writePoint } from './encode-data';
import { EncodeError } from './errors';
import {
  readEmpty,
  readErrorResponse,
  readInfoResponse,
  readInitRequest,
  readKeepalive,
  readSnapshot,
  readSuccessError,
  writeErrorResponse,
  writeInfoResponse,
  writeInitRequest,
  writeKeepalive,
  writeSnapshot,
  writeSuccessError,
} from './management-messages';
import type { Point, Request, Response } from './protocol/udf';
import { LEN, tagOf, WireReader } from './wire-reader';
import { describeType, WireWriter } from './wire-writer';

const REQUEST_WIRE: (number | undefined)[] = [];
const REQUEST_NAMES: (string | undefined)[] = [];
const RESPONSE_WIRE: (number | undefined)[] = [];
const RESPONSE_NAMES: (string | undefined)[] = [];

/** Field number of each oneof member of Request. */
export const REQUEST_FIELDS = { info: 1, init: 2, keepalive: 3, snapshot: 4, restore: 5, begin: 16, point: 17, end: 18 } as const;
/** Field number of each oneof member of Response. */
export const RESPONSE_FIELDS = {
  info: 1,
  init: 2,
  keepalive: 3,
  snapshot: 4,
  restore: 5,
  error: 6,
  begin: 16,
  point: 17,
  end: 18,
} as const;

// Tags of the oneof members (every one length-delimited; Request and
// Response number them alike), for the switches below: module-level consts
// are as fast there as the literals they name.
const INFO = tagOf(REQUEST_FIELDS.info, LEN); // 10
const INIT = tagOf(REQUEST_FIELDS.init, LEN); // 18
const KEEPALIVE = tagOf(REQUEST_FIELDS.keepalive, LEN); // 26
const SNAPSHOT = tagOf(REQUEST_FIELDS.snapshot, LEN); // 34
const RESTORE = tagOf(REQUEST_FIELDS.restore, LEN); // 42
const ERROR = tagOf(RESPONSE_FIELDS.error, LEN); // 50
const BEGIN = tagOf(REQUEST_FIELDS.begin, LEN); // 130
const POINT = tagOf(REQUEST_FIELDS.point, LEN); // 138
const END = tagOf(REQUEST_FIELDS.end, LEN); // 146
/** POINT as the two bytes of its varint (0x8a 0x01), how a point request starts. */
const POINT_BYTE0 = (POINT & 0x7f) | 0x80;
const POINT_BYTE1 = POINT >>> 7;

for (const [name, field] of Object.entries(REQUEST_FIELDS)) {
  REQUEST_WIRE[field] = LEN;
  REQUEST_NAMES[field] = name;
}
for (const [name, field] of Object.entries(RESPONSE_FIELDS)) {
  RESPONSE_WIRE[field] = LEN;
  RESPONSE_NAMES[field] = name;
}

/**
 * Decodes a Request body. Unknown fields are skipped; a body with no known
 * oneof member (e.g. a zero-length frame) gives `{ message: undefined }`.
 * Throws ProtocolError (ERR_INVALID_MESSAGE) on malformed input.
 */
export function decodeRequest(body: Uint8Array): Request {
  return decodeRequestAt(body, 0, body.length);
}

/** No limit on a body's entries: what the decoders count up from unless given maxEntries. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

const sharedReader = new WireReader(new Uint8Array(0));

/**
 * decodeRequest of body[start, end), without making a subarray (the Agent's
 * hot path). With `maxEntries`, a body holding more entries (each field of
 * the request and of its message, each tag, field and dimension of a point)
 * is refused at the first one over (ProtocolError ERR_TOO_MANY_ENTRIES),
 * never decoded to its end.
 */
export function decodeRequestAt(body: Uint8Array, start: number, end: number, maxEntries = UNLIMITED): Request {
  const r = sharedReader.reset(body, start, end).limitEntries(maxEntries);
  let message: Request['message'];
  while (r.pos < end) {
    const tag = r.tag(end);
    r.countEntry();
    switch (tag) {
      case POINT:
        message = { $case: 'point', value: readPoint(r, r.lenEnd(end)) };
        break;
      case BEGIN:
        message = { $case: 'begin', value: readBeginBatch(r, r.lenEnd(end)) };
        break;
      case END:
        message = { $case: 'end', value: readEndBatch(r, r.lenEnd(end)) };
        break;
      case INFO:
        message = { $case: 'info', value: readEmpty(r, r.lenEnd(end)) };
        break;
      case INIT:
        message = { $case: 'init', value: readInitRequest(r, r.lenEnd(end)) };
        break;
      case KEEPALIVE:
        message = { $case: 'keepalive', value: readKeepalive(r, r.lenEnd(end), 'KeepaliveRequest') };
        break;
      case SNAPSHOT:
        message = { $case: 'snapshot', value: readEmpty(r, r.lenEnd(end)) };
        break;
      case RESTORE:
        message = { $case: 'restore', value: readSnapshot(r, r.lenEnd(end), 'RestoreRequest') };
        break;
      default:
        r.skipField(tag, end, REQUEST_WIRE, 'Request', REQUEST_NAMES);
    }
  }
  return { message };
}

/**
 * The Agent's hot path: when body[start, end) is exactly one Request.point
 * field (what Kapacitor always sends for a point), decodes the Point without
 * the Request wrappers. Returns undefined for any other layout (use
 * decodeRequestAt then). Throws ProtocolError on a malformed point.
 */
export function decodePointRequestAt(body: Uint8Array, start: number, end: number, maxEntries = UNLIMITED): Point | undefined {
  if (body[start] !== POINT_BYTE0 || body[start + 1] !== POINT_BYTE1 || end - start < 3) return undefined;
  const r = sharedReader.reset(body, start, end).limitEntries(maxEntries);
  r.pos = start + 2;
  r.countEntry(); // the Request's point field, as decodeRequestAt counts it
  const pointEnd = r.lenEnd(end);
  if (pointEnd !== end) return undefined;
  return readPoint(r, end);
}

/** Decodes a Response body (the Kapacitor side). Same rules as decodeRequest. */
export function decodeResponse(body: Uint8Array): Response {
  const r = sharedReader.reset(body, 0, body.length);
  const end = r.end;
  let message: Response['message'];
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case POINT:
        message = { $case: 'point', value: readPoint(r, r.lenEnd(end)) };
        break;
      case BEGIN:
        message = { $case: 'begin', value: readBeginBatch(r, r.lenEnd(end)) };
        break;
      case END:
        message = { $case: 'end', value: readEndBatch(r, r.lenEnd(end)) };
        break;
      case INFO:
        message = { $case: 'info', value: readInfoResponse(r, r.lenEnd(end)) };
        break;
      case INIT:
        message = { $case: 'init', value: readSuccessError(r, r.lenEnd(end), 'InitResponse') };
        break;
      case KEEPALIVE:
        message = { $case: 'keepalive', value: readKeepalive(r, r.lenEnd(end), 'KeepaliveResponse') };
        break;
      case SNAPSHOT:
        message = { $case: 'snapshot', value: readSnapshot(r, r.lenEnd(end), 'SnapshotResponse') };
        break;
      case RESTORE:
        message = { $case: 'restore', value: readSuccessError(r, r.lenEnd(end), 'RestoreResponse') };
        break;
      case ERROR:
        message = { $case: 'error', value: readErrorResponse(r, r.lenEnd(end)) };
        break;
      default:
        r.skipField(tag, end, RESPONSE_WIRE, 'Response', RESPONSE_NAMES);
    }
  }
  return { message };
}

/**
 * The protobuf tag (field number << 3 | length-delimited) of a Response's
 * oneof member. Throws for a Response with no message set: Kapacitor must
 * never receive one.
 */
export function responseTag(msg: Response): number {
  if (msg === null || typeof msg !== 'object') throw new EncodeError(`a Response must be an object, got ${describeType(msg)}`);
  const m = msg.message;
  if (m === undefined || m === null) {
    throw new EncodeError('refusing to encode a Response with no message set (Kapacitor cannot handle one)');
  }
  const field = (RESPONSE_FIELDS as Record<string, number | undefined>)[m.$case];
  if (field === undefined || !Object.hasOwn(RESPONSE_FIELDS, m.$case)) {
    throw new EncodeError(`Response.message has unknown $case ${JSON.stringify(m.$case)}`);
  }
  return tagOf(field, LEN);
}

/** Writes the content (without tag and length) of a Response's oneof member. */
export function writeResponseContent(w: WireWriter, msg: Response): void {
  const m = msg.message!;
  switch (m.$case) {
    case 'point':
      writePoint(w, m.value);
      break;
    case 'begin':
      writeBeginBatch(w, m.value);
      break;
    case 'end':
      writeEndBatch(w, m.value);
      break;
    case 'info':
      writeInfoResponse(w, m.value);
      break;
    case 'init':
      writeSuccessError(w, m.value, 'InitResponse');
      break;
    case 'keepalive':
      writeKeepalive(w, m.value, 'KeepaliveResponse');
      break;
    case 'snapshot':
      writeSnapshot(w, m.value, 'SnapshotResponse');
      break;
    case 'restore':
      writeSuccessError(w, m.value, 'RestoreResponse');
      break;
    case 'error':
      writeErrorResponse(w, m.value);
      break;
  }
}

function requestTag(msg: Request): number {
  if (msg === null || typeof msg !== 'object') throw new EncodeError(`a Request must be an object, got ${describeType(msg)}`);
  const m = msg.message;
  if (m === undefined || m === null) return 0;
  if (!Object.hasOwn(REQUEST_FIELDS, m.$case)) {
    throw new EncodeError(`Request.message has unknown $case ${JSON.stringify(m.$case)}`);
  }
  return tagOf(REQUEST_FIELDS[m.$case], LEN);
}

function writeRequestContent(w: WireWriter, msg: Request): void {
  const m = msg.message!;
  switch (m.$case) {
    case 'point':
      writePoint(w, m.value);
      break;
    case 'begin':
      writeBeginBatch(w, m.value);
      break;
    case 'end':
      writeEndBatch(w, m.value);
      break;
    case 'info':
    case 'snapshot':
      break; // empty messages
    case 'init':
      writeInitRequest(w, m.value);
      break;
    case 'keepalive':
      writeKeepalive(w, m.value, 'KeepaliveRequest');
      break;
    case 'restore':
      writeSnapshot(w, m.value, 'RestoreRequest');
      break;
  }
}

// One scratch writer for the standalone encoders; results are copied out.
const scratch = new WireWriter(16 * 1024);
/** An encode is using `scratch` (a getter of the message being encoded may encode another). */
let scratchInUse = false;

function encodeWith<T>(msg: T, tag: number, writeContent: (w: WireWriter, msg: T) => void): Uint8Array {
  if (scratchInUse) return encodeInto(new WireWriter(1024), msg, tag, writeContent);
  scratchInUse = true;
  try {
    const out = encodeInto(scratch, msg, tag, writeContent);
    if (scratch.buf.length > 1024 * 1024) scratch.buf = Buffer.allocUnsafe(scratch.chunkSize) as typeof scratch.buf;
    return out;
  } finally {
    scratchInUse = false;
  }
}

function encodeInto<T>(w: WireWriter, msg: T, tag: number, writeContent: (w: WireWriter, msg: T) => void): Uint8Array {
  w.pos = 0;
  if (tag !== 0) {
    w.uvarint(tag);
    const lenPos = w.reserveLen();
    writeContent(w, msg);
    w.finishLen(lenPos);
  }
  const out = Buffer.allocUnsafe(w.pos);
  w.buf.copy(out, 0, 0, w.pos);
  return out;
}

/** Encodes a Response body exactly as Kapacitor's Go encoder would. */
export function encodeResponse(msg: Response): Uint8Array {
  return encodeWith(msg, responseTag(msg), writeResponseContent);
}

/**
 * Encodes a Request body exactly as Kapacitor's Go encoder would (the
 * Kapacitor side: used by the testing kit, benchmarks and tests). A Request
 * with no message set encodes to zero bytes, as in Go.
 */
export function encodeRequest(msg: Request): Uint8Array {
  return encodeWith(msg, requestTag(msg), writeRequestContent);
}
