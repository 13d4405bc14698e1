/**
 * Node's Buffer has fast, undocumented-but-stable slice/write methods that
 * skip the argument normalisation of toString()/write(). They exist on every
 * Buffer since Node 0.x and are what toString/write call internally.
 */
export interface NodeBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  utf8Write(str: string, offset: number, length?: number): number;
}

/** A Buffer view of `bytes` without copying. */
export function asNodeBuffer(bytes: Uint8Array): NodeBuffer {
  if (Buffer.isBuffer(bytes)) return bytes as NodeBuffer;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as NodeBuffer;
}
