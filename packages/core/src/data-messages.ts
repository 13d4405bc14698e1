/**
 * The data messages (Point, BeginBatch, EndBatch), the hot path: their field
 * tags (data-field-tags.ts), decoders (decode-data.ts) and encoders
 * (encode-data.ts), each byte-identical to Go's deterministic encoder on the
 * way out. This module gathers them and makes Points at their defaults.
 */
import type { Point } from './protocol/udf';

// Re-exported for callers outside the hot path (tests, tools). Core's own
// hot-path modules import decode-data.ts and encode-data.ts directly: a
// re-export compiles to a getter on this module's exports.
export { forgetDoubleScratch, readBeginBatch, readEndBatch, readPoint } from './decode-data';
export { writeBeginBatch, writeEndBatch, writePoint } from './encode-data';

/**
 * A Point with every field at its protobuf default (what an empty message
 * decodes to). Builders and tests spread their values over it, so a new
 * field in the proto is added in one place.
 */
export function createPoint(): Point {
  return {
    time: 0n,
    name: '',
    database: '',
    retentionPolicy: '',
    group: '',
    dimensions: [],
    tags: {},
    fieldsDouble: {},
    fieldsInt: {},
    fieldsString: {},
    byName: false,
    fieldsBool: {},
  };
}
