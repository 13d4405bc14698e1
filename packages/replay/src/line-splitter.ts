/**
 * Cuts text arriving in chunks into lines. A newline inside a quoted string
 * field value does not end a line (line protocol allows it; InfluxDB's
 * scanLine decides "inside quotes" the same way: after the first unescaped
 * space, a `"` toggles only where a field value can start). A trailing `\r`
 * is dropped (files written on Windows). Lines are reported as offsets into
 * the current text, so nothing is copied on the common path.
 */
const BACKSLASH = 92;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const EQUALS = 61;
const CR = 13;

export type OnLine = (text: string, start: number, end: number, lineNumber: number) => void;

/**
 * The items `onLine` collects from the lines of `chunks`, one array per chunk
 * read (so a large input streams through). What came before a bad line is
 * handed on before that line's error is thrown; nothing after it is read.
 */
export async function* collectLines<T>(
  splitter: LineSplitter,
  chunks: AsyncIterable<string>,
  onLine: (text: string, start: number, end: number, lineNumber: number, out: T[]) => void,
): AsyncGenerator<T[]> {
  let out: T[] = [];
  // `out` is read at each call: it is a new array after every yield.
  const each: OnLine = (text, start, end, lineNumber) => onLine(text, start, end, lineNumber, out);
  for await (const chunk of chunks) {
    const failure = attempt(() => splitter.push(chunk, each));
    if (out.length > 0) {
      yield out;
      out = [];
    }
    if (failure !== undefined) throw failure.error;
  }
  const failure = attempt(() => splitter.end(each));
  if (out.length > 0) yield out;
  if (failure !== undefined) throw failure.error;
}

function attempt(run: () => void): { error: unknown } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return { error };
  }
}

export class LineSplitter {
  private pending = '';
  /** Number of the next line to report (1-based). */
  private nextLine = 1;

  constructor(private readonly quoteAware = true) {}

  /** Reports every complete line of what has arrived so far. */
  push(chunk: string, onLine: OnLine): void {
    const s = this.pending.length === 0 ? chunk : this.pending + chunk;
    let pos = 0;
    for (;;) {
      let nl = s.indexOf('\n', pos);
      if (nl === -1) break;
      let lines = 1;
      if (this.quoteAware) {
        const q = s.indexOf('"', pos);
        if (q !== -1 && q < nl) {
          while (opensQuote(s, pos, nl)) {
            const next = s.indexOf('\n', nl + 1);
            if (next === -1) {
              nl = -1;
              break;
            }
            nl = next;
            lines++;
          }
          if (nl === -1) break;
        }
      }
      const end = nl > pos && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      onLine(s, pos, end, this.nextLine);
      this.nextLine += lines;
      pos = nl + 1;
    }
    this.pending = pos === 0 ? s : s.slice(pos);
  }

  /** Reports the last line when the text did not end with a newline. */
  end(onLine: OnLine): void {
    const s = this.pending;
    this.pending = '';
    if (s.length === 0) return;
    const end = s.charCodeAt(s.length - 1) === CR ? s.length - 1 : s.length;
    onLine(s, 0, end, this.nextLine);
    this.nextLine++;
  }
}

/** True when `s[start, end)` ends inside a quoted field value. */
function opensQuote(s: string, start: number, end: number): boolean {
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
      continue;
    }
    if (c === SPACE) fields = true;
    if (!fields) continue;
    if (!quoted && c === EQUALS) equals++;
    else if (!quoted && c === COMMA) commas++;
    else if (c === QUOTE && equals > commas) quoted = !quoted;
  }
  return quoted;
}
