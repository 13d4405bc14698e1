import {
  type BeginBatch,
  EdgeType,
  type EndBatch,
  type OptionValue,
  type Point,
  type Request,
  type Response,
  type ValueType,
} from '@kapacitor-udf/core';
import { Duration } from '@kapacitor-udf/decorators';

/**
 * One-line, human-readable renderings of protocol messages, for logs, demos
 * and failure messages: data in InfluxDB line protocol, options as in a
 * TICKscript.
 */

const escapeKey = (s: string) => s.replace(/[,= ]/g, (c) => `\\${c}`);
const escapeName = (s: string) => s.replace(/[, ]/g, (c) => `\\${c}`);

function series(name: string, tags: { [key: string]: string }): string {
  const tagText = Object.keys(tags)
    .sort()
    .map((k) => `,${escapeKey(k)}=${escapeKey(tags[k])}`)
    .join('');
  return `${escapeName(name)}${tagText}`;
}

/** A point in line protocol: `cpu,host=a usage=1.5,count=2i,state="ok",up=true 1700000000000000000`. */
export function formatPoint(p: Point): string {
  const fields: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(p.fieldsDouble)) fields.push([k, String(v)]);
  for (const [k, v] of Object.entries(p.fieldsInt)) fields.push([k, `${v}i`]);
  for (const [k, v] of Object.entries(p.fieldsString)) fields.push([k, `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`]);
  for (const [k, v] of Object.entries(p.fieldsBool)) fields.push([k, String(v)]);
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fieldText = fields.map(([k, v]) => `${escapeKey(k)}=${v}`).join(',');
  return `${series(p.name, p.tags)} ${fieldText} ${p.time}`;
}

function formatBegin(b: BeginBatch): string {
  return `${series(b.name, b.tags)} size=${b.size}${b.byName ? ' byName' : ''}`;
}

function formatEnd(e: EndBatch): string {
  return `${series(e.name, e.tags)} tmax=${e.tmax}`;
}

/** An option value as a TICKscript literal: `'text'`, `42.0`, `10`, `TRUE`, `10s`. */
export function formatOptionValue(v: OptionValue): string {
  const value = v.value;
  if (value === undefined) return '<no value>';
  switch (value.$case) {
    case 'stringValue':
      return `'${value.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'doubleValue':
      return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
    case 'intValue':
      return String(value.value);
    case 'boolValue':
      return value.value ? 'TRUE' : 'FALSE';
    case 'durationValue':
      return Duration.nanoseconds(value.value).toTickscript();
  }
}

const edge = (e: EdgeType) => (e === EdgeType.BATCH ? 'batch' : 'stream');
const TYPE_NAMES = ['bool', 'int', 'double', 'string', 'duration'];
const typeName = (t: ValueType) => TYPE_NAMES[t] ?? `type${t}`;

function data(m: { $case: 'point'; value: Point } | { $case: 'begin'; value: BeginBatch } | { $case: 'end'; value: EndBatch }): string {
  switch (m.$case) {
    case 'point':
      return `Point ${formatPoint(m.value)}`;
    case 'begin':
      return `BeginBatch ${formatBegin(m.value)}`;
    case 'end':
      return `EndBatch ${formatEnd(m.value)}`;
  }
}

/** A request (Kapacitor → UDF) on one line, e.g. `Init field('mycustom_field', 42.0)  [task t, node n]`. */
export function formatRequest(request: Request): string {
  const m = request.message;
  if (m === undefined) return '(empty request)';
  switch (m.$case) {
    case 'info':
      return 'Info';
    case 'init': {
      const opts = m.value.options.map((o) => `${o.name}(${o.values.map(formatOptionValue).join(', ')})`).join('.');
      return `Init ${opts || '(no options)'}  [task ${m.value.taskID || "''"}, node ${m.value.nodeID || "''"}]`;
    }
    case 'keepalive':
      return `Keepalive ${m.value.time}`;
    case 'snapshot':
      return 'Snapshot';
    case 'restore':
      return `Restore ${m.value.snapshot.length} bytes`;
    default:
      return data(m);
  }
}

/** A response (UDF → Kapacitor) on one line, e.g. `Info wants=stream provides=stream options field(string, double)`. */
export function formatResponse(response: Response): string {
  const m = response.message;
  if (m === undefined) return '(empty response: Kapacitor cannot handle this)';
  switch (m.$case) {
    case 'info': {
      const opts = Object.entries(m.value.options)
        .map(([name, info]) => `${name}(${(info?.valueTypes ?? []).map(typeName).join(', ')})`)
        .join(' ');
      return `Info wants=${edge(m.value.wants)} provides=${edge(m.value.provides)} options ${opts || '(none)'}`;
    }
    case 'init':
      return m.value.success ? 'Init ok' : `Init failed: ${m.value.error}`;
    case 'keepalive':
      return `Keepalive ${m.value.time}`;
    case 'snapshot':
      return `Snapshot ${m.value.snapshot.length} bytes`;
    case 'restore':
      return m.value.success ? 'Restore ok' : `Restore failed: ${m.value.error}`;
    case 'error':
      return `Error ${m.value.error}`;
    default:
      return data(m);
  }
}
