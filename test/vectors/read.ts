import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads the reference vectors of this folder (written by
 * conformance/cmd/vectors with Kapacitor's own Go message types; see
 * README.md here). Tests of every package import this one reader, so the
 * location and the file format are known in one place.
 */

/** Where the vector files are: beside this file. */
export const VECTORS_DIR = __dirname;

export type VectorKind = 'requests' | 'responses';

export interface Vectors {
  /** The `.bin` file: concatenated frames, each a uvarint length then a protobuf body. */
  frames: Buffer;
  /** The `.jsonl` file: the same messages as canonical protobuf JSON, one parsed line each. */
  jsonLines: unknown[];
}

export function readVectors(kind: VectorKind): Vectors {
  const frames = fs.readFileSync(path.join(VECTORS_DIR, `${kind}.bin`));
  const jsonLines = fs
    .readFileSync(path.join(VECTORS_DIR, `${kind}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
  return { frames, jsonLines };
}

/**
 * Splits a buffer of concatenated frames into bodies without the code under
 * test (the FrameDecoder is one of the things these vectors check).
 */
export function splitFrames(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let len = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= buf.length) throw new Error(`vector file ends inside a length prefix; run \`npm run vectors\``);
      b = buf[pos++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80);
    if (pos + len > buf.length) throw new Error(`vector frame at byte ${pos} is cut short; run \`npm run vectors\``);
    out.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}
