import { varintSize, writeUvarintAt } from './wire-writer';

/** Frames a message body for the wire: uvarint(body length) followed by the body (copied). */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const prefix = varintSize(body.length);
  const out = Buffer.allocUnsafe(prefix + body.length);
  writeUvarintAt(out, 0, body.length);
  out.set(body, prefix);
  return out;
}
