/**
 * Go compares strings bytewise on their UTF-8 encoding (= by code point).
 * JavaScript's `<` compares UTF-16 code units, which agrees except when a
 * surrogate pair meets a character in U+E000..U+FFFF at the first difference.
 * Kapacitor and InfluxDB sort tag and field keys this way.
 */
export function compareGo(a: string, b: string): number {
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

/** The keys of `map` in Go's order (checked first: they usually are sorted already). */
export function sortedKeysGo(map: object): string[] {
  const keys = Object.keys(map);
  for (let i = 1; i < keys.length; i++) {
    if (compareGo(keys[i - 1], keys[i]) > 0) return keys.sort(compareGo);
  }
  return keys;
}

/** Sets `key` as an own property even when it is `__proto__`. */
export function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
