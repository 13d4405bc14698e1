/**
 * Cuts a stream into batches for a batch UDF, per series group, the way a
 * TICKscript `window()` does (kapacitor window.go), with period = every:
 *
 * - by time (`window().period(d).every(d)`): a group's first window ends at
 *   its first point's time + d; a point at or past the end emits the window
 *   (tmax = the end), then the next one ends at that point's time + d; points
 *   older than end - d are purged first (out-of-order stragglers);
 * - by count (`window().periodCount(n).everyCount(n)`): every n points of a
 *   group are a batch, tmax = the last point's time.
 *
 * A batch carries the group's name and its tags (the group-by dimensions
 * only); its points keep all their tags. As in Kapacitor, a window that is
 * still open when the stream ends is not emitted: `held` counts its points.
 */
import type { Point } from '@kapacitor-udf/core';
import { setOwn } from '@kapacitor-udf/core/internal';
import type { Batch } from './batch';
import { ReplayError } from './errors';

export type Window = { readonly every: bigint } | { readonly points: number };

interface GroupWindow {
  name: string;
  group: string;
  tags: Record<string, string>;
  byName: boolean;
  buffer: Point[];
  nextEmit: bigint;
}

export class StreamWindows {
  private readonly groups = new Map<string, GroupWindow>();
  private readonly every: bigint | undefined;
  private readonly size: number | undefined;
  /** Points dropped as older than their window (out of order), as Kapacitor's purge drops them. */
  purged = 0;

  constructor(
    window: Window,
    private readonly onBatch: (batch: Batch) => void,
  ) {
    if ('every' in window) {
      if (window.every <= 0n) throw new ReplayError('ERR_REPLAY_SETTING', 'a batch window must be longer than 0 (e.g. 10s)');
      this.every = window.every;
    } else {
      if (!Number.isSafeInteger(window.points) || window.points < 1) {
        throw new ReplayError('ERR_REPLAY_SETTING', `points per batch must be a whole number >= 1, got ${window.points}`);
      }
      this.size = window.points;
    }
  }

  /** Adds a stream point whose group, dimensions and byName are set (see grouper). */
  push(p: Point): void {
    let g = this.groups.get(p.group);
    if (g === undefined) {
      const tags: Record<string, string> = {};
      for (const d of p.dimensions) setOwn(tags, d, Object.hasOwn(p.tags, d) ? p.tags[d] : '');
      g = {
        name: p.name,
        group: p.group,
        tags,
        byName: p.byName,
        buffer: [],
        nextEmit: this.every === undefined ? 0n : p.time + this.every,
      };
      this.groups.set(p.group, g);
    }
    if (this.every !== undefined) {
      if (p.time >= g.nextEmit) {
        const oldest = g.nextEmit - this.every;
        const kept = g.buffer.filter((q) => q.time >= oldest);
        this.purged += g.buffer.length - kept.length;
        g.buffer = [];
        if (kept.length > 0) this.emit(g, kept, g.nextEmit);
        g.nextEmit = p.time + this.every;
      }
      g.buffer.push(p);
    } else {
      g.buffer.push(p);
      if (g.buffer.length === this.size) {
        const points = g.buffer;
        g.buffer = [];
        this.emit(g, points, points[points.length - 1].time);
      }
    }
  }

  /** Points in windows not yet complete. */
  get held(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.buffer.length;
    return n;
  }

  private emit(g: GroupWindow, points: Point[], tmax: bigint): void {
    const batchPoints = points.map(
      (p): Point => ({
        time: p.time,
        name: '',
        database: '',
        retentionPolicy: '',
        group: g.group,
        dimensions: [],
        tags: p.tags,
        fieldsDouble: p.fieldsDouble,
        fieldsInt: p.fieldsInt,
        fieldsString: p.fieldsString,
        byName: false,
        fieldsBool: p.fieldsBool,
      }),
    );
    this.onBatch({
      begin: { name: g.name, group: g.group, tags: { ...g.tags }, size: BigInt(points.length), byName: g.byName },
      points: batchPoints,
      end: { name: g.name, group: g.group, tmax, tags: { ...g.tags }, byName: false },
    });
  }
}
