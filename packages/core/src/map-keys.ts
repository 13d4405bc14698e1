/**
 * Map helpers shared by the encoders and decoders: the key order Kapacitor's
 * Go encoder uses, and safe insertion of arbitrary keys into plain objects.
 */

/**
 * Compares two strings the way Go compares them: bytewise on their UTF-8
 * encoding (= by code point). JavaScript's `<` compares UTF-16 code units,
 * which agrees except when a surrogate pair (code points >= U+10000) meets a
 * character in U+E000..U+FFFF at the first difference; only then fall back to
 * comparing the encoded bytes.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 || y < 0xd800) return x - y;
      return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    }
  }
  return a.length - b.length;
}

/**
 * The own enumerable keys of `map` in Go's order. Keys usually are sorted
 * already (the decoder stores tags and double fields in Go order, and
 * insertion order is kept), so check first and only sort when needed. Integer-like keys ("10", "9") are always listed
 * first by JavaScript, in numeric order, which the check catches.
 */
export function sortedKeys(map: object): string[] {
  const keys = Object.keys(map);
  for (let i = 1; i < keys.length; i++) {
    if (compareUtf8(keys[i - 1], keys[i]) > 0) {
      keys.sort(compareUtf8);
      break;
    }
  }
  return keys;
}

/**
 * `map[key] = value`, except that the key "__proto__" becomes an ordinary own
 * property instead of replacing the object's prototype.
 */
export function setOwn<T>(map: { [key: string]: T }, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}
