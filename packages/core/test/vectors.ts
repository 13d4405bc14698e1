import * as fs from 'fs';
import * as path from 'path';

/**
 * The reference vectors live in `shared/vectors`, beside the repository root
 * (../shared from the root). Walk up from this file to find them, so the tests
 * work from any checkout location and from a clone.
 */
export function vectorsDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, '..', 'shared', 'vectors');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`shared/vectors not found beside the repository root (searched up from ${__dirname})`);
}

export function readVectors(kind: 'requests' | 'responses'): { frames: Buffer; jsonLines: unknown[] } {
  const dir = vectorsDir();
  const frames = fs.readFileSync(path.join(dir, `${kind}.bin`));
  const jsonLines = fs
    .readFileSync(path.join(dir, `${kind}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
  return { frames, jsonLines };
}

/** Splits a buffer of concatenated frames without using the code under test. */
export function splitFrames(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let len = 0;
    let shift = 0;
    let b: number;
    do {
      b = buf[pos++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80);
    out.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}
