import { encodeFrame, encodeRequest, type Point } from '@kapacitor-udf/core';
import type { Batch } from './batch';

/** Request frames of data (points, or batches as BeginBatch, points, EndBatch), gathered into chunks. */
export class RequestFrames {
  private parts: Uint8Array[] = [];
  private size = 0;
  points = 0;
  batches = 0;

  get bytes(): number {
    return this.size;
  }

  point(p: Point): void {
    this.add(encodeFrame(encodeRequest({ message: { $case: 'point', value: p } })));
    this.points++;
  }

  batch(b: Batch): void {
    this.add(encodeFrame(encodeRequest({ message: { $case: 'begin', value: b.begin } })));
    for (const p of b.points) this.add(encodeFrame(encodeRequest({ message: { $case: 'point', value: p } })));
    this.add(encodeFrame(encodeRequest({ message: { $case: 'end', value: b.end } })));
    this.points += b.points.length;
    this.batches++;
  }

  /** The frames so far as one buffer, and their counts; then starts over. */
  take(): { bytes: Uint8Array; points: number; batches: number } {
    const bytes = Buffer.concat(this.parts, this.size);
    const out = { bytes, points: this.points, batches: this.batches };
    this.parts = [];
    this.size = 0;
    this.points = 0;
    this.batches = 0;
    return out;
  }

  private add(frame: Uint8Array): void {
    this.parts.push(frame);
    this.size += frame.byteLength;
  }
}
