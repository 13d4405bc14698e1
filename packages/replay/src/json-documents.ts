/**
 * Splits a sequence of JSON documents (Go's json.Encoder writes one per
 * line; its Decoder accepts any whitespace between them) arriving in chunks.
 * Each top-level value must be an object.
 */
export type OnDocument = (text: string, lineNumber: number) => void;

export class JsonDocumentSplitter {
  private pending = '';
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private line = 1;
  private startLine = 1;

  constructor(private readonly onError: (what: string, lineNumber: number) => never) {}

  push(chunk: string, onDocument: OnDocument): void {
    const s = this.pending + chunk;
    let i = this.scanned;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 34) {
        this.inString = true;
      } else if (c === 123 || c === 91) {
        if (this.depth === 0) {
          if (c !== 123) this.onError('expected a JSON object (one batch) but found "["', this.line);
          this.start = i;
          this.startLine = this.line;
        }
        this.depth++;
      } else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth < 0) this.onError(`unexpected "${String.fromCharCode(c)}"`, this.line);
        if (this.depth === 0) {
          onDocument(s.slice(this.start, i + 1), this.startLine);
          this.start = -1;
        }
      } else if (this.depth === 0 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        this.onError(`expected a JSON object (one batch) but found ${JSON.stringify(s.slice(i, i + 20))}`, this.line);
      }
    }
    if (this.start === -1) {
      this.pending = '';
      this.scanned = 0;
    } else {
      this.pending = s.slice(this.start);
      this.scanned = i - this.start;
      this.start = 0;
    }
  }

  end(): void {
    if (this.depth !== 0 || this.inString) this.onError('the last batch is cut short (unbalanced braces)', this.startLine);
  }
}
