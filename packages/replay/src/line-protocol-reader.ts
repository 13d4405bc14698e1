import type { Point } from '@kapacitor-udf/core';
import { parseLine } from './line-protocol-parser';
import { collectLines, LineSplitter } from './line-splitter';
import { nsPerUnit, type Precision } from './precision';
import { type TextSource, textChunks } from './text-chunks';

export interface LineProtocolOptions {
  /** Unit of the timestamps (default 'ns'). */
  precision?: Precision;
  /**
   * Time in nanoseconds for lines without a timestamp. Without it such a
   * line is an error (a replay that stamps "now" differs at every run).
   */
  defaultTime?: bigint;
  /** Database and retention policy set on every point (line protocol has none). */
  database?: string;
  retentionPolicy?: string;
}

/**
 * The points of line-protocol text, in order, a chunk of input at a time
 * (one array per chunk read, so a large input streams through). The first
 * bad line throws a ReplayError with its line number; nothing after it is read.
 */
export async function* readLineProtocol(source: TextSource, options: LineProtocolOptions = {}): AsyncGenerator<Point[]> {
  const parseOptions = { nsPerUnit: nsPerUnit(options.precision ?? 'ns'), defaultTime: options.defaultTime };
  const database = options.database ?? '';
  const retentionPolicy = options.retentionPolicy ?? '';
  const onLine = (s: string, start: number, end: number, lineNumber: number, out: Point[]) => {
    const p = parseLine(s, start, end, lineNumber, parseOptions);
    if (p === undefined) return;
    p.database = database;
    p.retentionPolicy = retentionPolicy;
    out.push(p);
  };
  yield* collectLines(new LineSplitter(), textChunks(source, 'ERR_LINE_PROTOCOL', 'the line protocol'), onLine);
}

/** Every point of a line-protocol string (see readLineProtocol). */
export function parseLineProtocol(text: string, options: LineProtocolOptions = {}): Point[] {
  const parseOptions = { nsPerUnit: nsPerUnit(options.precision ?? 'ns'), defaultTime: options.defaultTime };
  const out: Point[] = [];
  const splitter = new LineSplitter();
  const onLine = (s: string, start: number, end: number, lineNumber: number) => {
    const p = parseLine(s, start, end, lineNumber, parseOptions);
    if (p === undefined) return;
    p.database = options.database ?? '';
    p.retentionPolicy = options.retentionPolicy ?? '';
    out.push(p);
  };
  splitter.push(text, onLine);
  splitter.end(onLine);
  return out;
}
