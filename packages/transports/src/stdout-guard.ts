import { Writable } from 'node:stream';
import { format } from 'node:util';

/**
 * Keeps stdout for the protocol alone while a process UDF runs.
 *
 * Kapacitor reads responses from our stdout; one stray byte corrupts the
 * stream. So while the guard is on, `process.stdout.write` (and with it every
 * console method that prints to stdout: log, info, debug, dir, table...)
 * goes to stderr, which Kapacitor logs line by line. The protocol writes
 * through `protocolOut`, which holds the real write function saved before
 * the swap.
 *
 * Writes straight to file descriptor 1 (`fs.writeSync(1, ...)`) cannot be
 * caught from JavaScript; the README says so.
 */
export interface StdoutGuard {
  /** The real stdout, for the agent only. Its writes complete once stdout accepted the bytes. */
  readonly protocolOut: Writable;
  /** Puts console and process.stdout.write back. Safe to call twice. */
  restore(): void;
}

type WriteFn = typeof process.stdout.write;

export function guardStdout(): StdoutGuard {
  const stdout = process.stdout;
  const stderr = process.stderr;
  const realWrite: WriteFn = stdout.write;
  const writeReal = (data: Uint8Array, done: (err?: Error | null) => void): void => {
    (realWrite as (chunk: Uint8Array, cb: (err?: Error | null) => void) => boolean).call(stdout, data, done);
  };
  const saved = { log: console.log, info: console.info, debug: console.debug };

  const toStderr = function (this: unknown, ...args: Parameters<WriteFn>): boolean {
    return (stderr.write as (...a: unknown[]) => boolean)(...args);
  } as WriteFn;
  stdout.write = toStderr;
  // The global console already prints through process.stdout.write, but a
  // console method replaced by a library, or captured before we started,
  // would not: bind the three stdout-bound methods explicitly.
  const printToStderr = (...args: unknown[]): void => {
    stderr.write(`${format(...args)}\n`);
  };
  console.log = printToStderr;
  console.info = printToStderr;
  console.debug = printToStderr;

  const protocolOut = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writeReal(chunk, (err) => callback(err ?? null));
    },
    writev(chunks, callback) {
      const data = chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      writeReal(data, (err) => callback(err ?? null));
    },
    // Ending the protocol stream must not end process.stdout itself (later
    // writes, e.g. a user's own output after close, would throw): every
    // write's callback has fired by now, so stdout has taken all the bytes.
    final(callback) {
      callback();
    },
  });

  let restored = false;
  return {
    protocolOut,
    restore() {
      if (restored) return;
      restored = true;
      if (stdout.write === toStderr) stdout.write = realWrite;
      if (console.log === printToStderr) console.log = saved.log;
      if (console.info === printToStderr) console.info = saved.info;
      if (console.debug === printToStderr) console.debug = saved.debug;
    },
  };
}
