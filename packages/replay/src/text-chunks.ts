import { ReplayError, type ReplayErrorCode } from './errors';

/** Text input: strings, or bytes that must be UTF-8 (a multi-byte character may be split across chunks). */
export type TextSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** The chunks of `source` as strings; invalid UTF-8 is an error with `code`, never replaced silently. */
export async function* textChunks(source: TextSource, code: ReplayErrorCode, what: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of source) {
      yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } catch (err) {
    if ((err as { code?: string } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw new ReplayError(code, `${what} is not UTF-8 text`, undefined, { cause: err });
    }
    throw err;
  }
}
