/**
 * What a replayed UDF emits, written to stdout: line protocol (a batch's
 * points take the batch's name, as Kapacitor's InfluxDB and HTTP outputs
 * name them) or JSON lines in Kapacitor's own message JSON (a stream point as
 * edge `pointMessage.MarshalJSON`, a whole batch as `bufferedBatchMessage`,
 * the format of a .brpl entry). Doubles always carry a decimal point or an
 * exponent in JSON, so an integer field stays distinguishable from a double.
 */
import type { BeginBatch, Point, Response } from '@kapacitor-udf/core';
import { formatBatchJson, formatLine, formatRfc3339Nano } from '@kapacitor-udf/replay';

export interface OutputSink {
  write(text: string): void;
}

function jsonDouble(v: number): string {
  if (!Number.isFinite(v)) return JSON.stringify(String(v));
  const text = JSON.stringify(v);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

function fieldsJson(p: Point): string {
  const parts: string[] = [];
  for (const k of Object.keys(p.fieldsDouble)) parts.push(`${JSON.stringify(k)}:${jsonDouble(p.fieldsDouble[k])}`);
  for (const k of Object.keys(p.fieldsInt)) parts.push(`${JSON.stringify(k)}:${p.fieldsInt[k]}`);
  for (const k of Object.keys(p.fieldsString)) parts.push(`${JSON.stringify(k)}:${JSON.stringify(p.fieldsString[k])}`);
  for (const k of Object.keys(p.fieldsBool)) parts.push(`${JSON.stringify(k)}:${p.fieldsBool[k]}`);
  return `{${parts.join(',')}}`;
}

/** A stream point as Kapacitor's pointMessage JSON (empty parts left out, as its omitempty tags say). */
export function pointJson(p: Point): string {
  const parts: string[] = [];
  if (p.name !== '') parts.push(`"name":${JSON.stringify(p.name)}`);
  if (p.database !== '') parts.push(`"database":${JSON.stringify(p.database)}`);
  if (p.retentionPolicy !== '') parts.push(`"retentionPolicy":${JSON.stringify(p.retentionPolicy)}`);
  if (p.group !== '') parts.push(`"group":${JSON.stringify(p.group)}`);
  parts.push(`"dimensions":{"ByName":${p.byName},"TagNames":${p.dimensions.length === 0 ? 'null' : JSON.stringify(p.dimensions)}}`);
  parts.push(`"fields":${fieldsJson(p)}`);
  if (Object.keys(p.tags).length > 0) parts.push(`"tags":${JSON.stringify(p.tags)}`);
  parts.push(`"time":${JSON.stringify(formatRfc3339Nano(p.time))}`);
  return `{${parts.join(',')}}`;
}

/** Turns the UDF's data responses into output text, in order. */
export class ReplayOutputWriter {
  private begin: BeginBatch | undefined;
  private batchPoints: Point[] = [];
  /** Points the UDF emitted (stream points and points inside batches). */
  points = 0;
  batches = 0;

  /** True between a BeginBatch and its EndBatch. */
  get inBatch(): boolean {
    return this.begin !== undefined;
  }

  constructor(
    private readonly format: 'lp' | 'json',
    private readonly sink: OutputSink,
  ) {}

  /** Handles one response. */
  data(response: Response): void {
    const m = response.message;
    if (m === undefined) return;
    switch (m.$case) {
      case 'point': {
        const p = m.value;
        this.points++;
        if (this.begin === undefined) this.sink.write(this.format === 'lp' ? `${formatLine(p)}\n` : `${pointJson(p)}\n`);
        else if (this.format === 'lp') this.sink.write(`${formatLine({ ...p, name: this.begin.name })}\n`);
        else this.batchPoints.push(p);
        return;
      }
      case 'begin':
        this.begin = m.value;
        this.batchPoints = [];
        return;
      case 'end': {
        const begin = this.begin ?? { name: m.value.name, group: m.value.group, tags: m.value.tags, size: 0n, byName: false };
        this.begin = undefined;
        this.batches++;
        const points = this.batchPoints;
        this.batchPoints = [];
        if (this.format === 'json') this.sink.write(`${formatBatchJson({ begin, points, end: m.value })}\n`);
        return;
      }
      default:
        return;
    }
  }
}
