/** `text` as one POSIX shell word: quoted only when it has to be. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `text` as a TOML basic string, quotes included (kapacitor.conf is TOML). */
export function tomlString(text: string): string {
  // JSON's escapes (\" \\ \n \uXXXX ...) are all valid in a TOML basic string;
  // TOML also forbids a raw DEL, which JSON leaves as it is.
  return JSON.stringify(text).replaceAll('\u007f', '\\u007F');
}
