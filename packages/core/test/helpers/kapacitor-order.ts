import type { Point } from '../../src/generated/udf';

/**
 * A Request{point} body marshalled the way Kapacitor marshals it, for tests
 * only. Kapacitor's udf/agent.WriteMessage calls plain proto.Marshal (v1.5.9
 * through golang/protobuf 1.4, v1.7.6 directly): fields in field-number
 * order, defaults left out, every map entry written with both its key and
 * its value, and the entries of each map in the order Go's map iteration
 * gives, which is random from one message to the next. Our own encoder
 * always sorts, so it cannot produce these frames; `order` picks the entry
 * order of every map here (a permutation of the map's own key order).
 *
 * Written in TypeScript rather than taken from Go: Jest runs without a Go
 * toolchain, and tests can then ask for every permutation of a map (Go's
 * iteration of a small map only rotates it) and for any point fast-check
 * generates. The layout is checked against our encoder for the sorted order
 * (kapacitor-order.test.ts), which the vectors hold byte-identical to Go.
 */
export function kapacitorPointRequest(p: Point, order: (keys: string[]) => string[]): Uint8Array {
  const body = new Bytes();
  if (p.time !== 0n) body.tag(1, 0).varint(BigInt.asUintN(64, p.time));
  body.stringField(2, p.name).stringField(3, p.database).stringField(4, p.retentionPolicy).stringField(5, p.group);
  for (const d of p.dimensions) body.tag(6, 2).string(d);
  for (const k of order(Object.keys(p.tags))) body.entry(7, k, (e) => e.tag(2, 2).string(p.tags[k]));
  for (const k of order(Object.keys(p.fieldsDouble))) body.entry(8, k, (e) => e.tag(2, 1).double(p.fieldsDouble[k]));
  for (const k of order(Object.keys(p.fieldsInt))) body.entry(9, k, (e) => e.tag(2, 0).varint(BigInt.asUintN(64, p.fieldsInt[k])));
  for (const k of order(Object.keys(p.fieldsString))) body.entry(10, k, (e) => e.tag(2, 2).string(p.fieldsString[k]));
  if (p.byName) body.tag(11, 0).varint(1n);
  for (const k of order(Object.keys(p.fieldsBool))) body.entry(12, k, (e) => e.tag(2, 0).varint(p.fieldsBool[k] ? 1n : 0n));
  return new Bytes().tag(17, 2).bytes(body.done()).done();
}

/** A seeded shuffle (xorshift), so a failing case can be replayed. */
export function shuffler(seed: number): (keys: string[]) => string[] {
  let s = seed | 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  return (keys) => {
    const out = keys.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
}

class Bytes {
  private readonly out: number[] = [];

  varint(v: bigint): this {
    let x = v;
    while (x >= 0x80n) {
      this.out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.out.push(Number(x));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(BigInt((field << 3) | wire));
  }

  bytes(b: Uint8Array | number[]): this {
    this.varint(BigInt(b.length));
    for (const x of b) this.out.push(x);
    return this;
  }

  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  stringField(field: number, s: string): this {
    return s === '' ? this : this.tag(field, 2).string(s);
  }

  double(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    for (const x of b) this.out.push(x);
    return this;
  }

  /** A map entry: key (field 1) and value (field 2) always written, as Go writes them. */
  entry(field: number, key: string, value: (e: Bytes) => void): this {
    const e = new Bytes().tag(1, 2).string(key);
    value(e);
    return this.tag(field, 2).bytes(e.done());
  }

  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
