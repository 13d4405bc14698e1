/**
 * Soak: STRESS_POINTS (default 10,000,000) points through the built
 * `udf-run mirror` process UDF, read by a slow reader (it pauses regularly,
 * so the UDF is held back by backpressure again and again). Every response
 * is checked byte for byte and counted: no loss, no reordering, no
 * corruption. The UDF's RSS (/proc) and live heap (a preloaded reporter,
 * after a forced GC) must stay flat after warm-up.
 */

import * as path from 'node:path';
import { encodeFrame, encodeRequest, encodeResponse, type Point } from '@kapacitor-udf/core';
import { heapReports } from '../reliability/helpers/load';
import { MiB, rssOf } from '../reliability/helpers/memory';
import { FIXTURES, requireBuilt } from '../reliability/helpers/paths';
import { spawnUdfRun } from '../reliability/helpers/udf-run';

const POINTS = Number(process.env.STRESS_POINTS ?? 10_000_000);
/** The reader pauses PAUSE_MS after every PAUSE_EVERY bytes. */
const PAUSE_EVERY = 4 * MiB;
const PAUSE_MS = 15;
const SAMPLE_MS = 500;

/** A point frame whose only varying part is an 8-byte double (the sequence number). */
function template(): { frame: Buffer; seqAt: number } {
  const SENTINEL = 1.2345678901234568e-300;
  const p: Point = {
    time: 1_700_000_000_000_000_000n,
    name: 'cpu',
    database: 'telegraf',
    retentionPolicy: 'autogen',
    group: '',
    dimensions: ['host'],
    tags: { host: 'server01', region: 'eu-west' },
    fieldsDouble: { seq: SENTINEL, usage: 12.5 },
    fieldsInt: { n: 42n },
    fieldsString: { state: 'ok' },
    byName: false,
    fieldsBool: { up: true },
  };
  const frame = Buffer.from(encodeFrame(encodeRequest({ message: { $case: 'point', value: p } })));
  const needle = Buffer.alloc(8);
  needle.writeDoubleLE(SENTINEL);
  const seqAt = frame.indexOf(needle);
  if (seqAt < 0 || frame.indexOf(needle, seqAt + 1) >= 0) throw new Error('cannot locate the sequence slot in the template frame');
  return { frame, seqAt };
}

beforeAll(() => requireBuilt());

test(`soak: ${POINTS.toLocaleString('en')} points through mirror with a slow reader: exact, in order, no leak`, async () => {
  const { frame, seqAt } = template();
  const L = frame.length;
  const initOk = Buffer.from(encodeFrame(encodeResponse({ message: { $case: 'init', value: { success: true, error: '' } } })));

  const udf = spawnUdfRun({
    name: 'mirror',
    nodeArgs: ['--expose-gc', '--require', path.join(FIXTURES, 'heap-reporter.js')],
    env: { ...process.env, UDF_HEAP_REPORT_MS: String(SAMPLE_MS) },
  });
  const { child } = udf;
  // Raw reading: the WirePeer would keep every response.
  child.stdout!.removeAllListeners('data');
  try {
    // ---- reader: verify every frame against the template, count, pause now and then
    let verified = 0;
    let pending: Buffer = Buffer.alloc(0);
    let initSeen = false;
    let sinceThrottle = 0;
    let failure: string | undefined;
    const fail = (msg: string): void => {
      failure ??= msg;
      child.kill('SIGKILL');
    };
    const done = new Promise<void>((resolve) => child.stdout!.on('end', resolve));
    // RSS samples: every SAMPLE_MS, and at every 2% of the points verified, so
    // that each window below has samples however fast the run is (a quiet
    // machine passes 1,000,000 points in about a second: the timer alone left
    // the 20-40% window empty).
    const samples: Array<{ at: number; rss: number }> = [];
    const sample = (): void => {
      try {
        samples.push({ at: verified, rss: rssOf(child.pid!) });
      } catch {
        // exited
      }
    };
    const SAMPLE_EVERY = Math.max(1, Math.floor(POINTS / 50));
    let nextSampleAt = SAMPLE_EVERY;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (failure) return;
      let buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let pos = 0;
      if (!initSeen) {
        if (buf.length < initOk.length) {
          pending = buf;
          return;
        }
        if (!buf.subarray(0, initOk.length).equals(initOk)) return fail('the first response is not InitResponse{success:true}');
        initSeen = true;
        pos = initOk.length;
      }
      while (buf.length - pos >= L) {
        if (buf.compare(frame, 0, seqAt, pos, pos + seqAt) !== 0 || buf.compare(frame, seqAt + 8, L, pos + seqAt + 8, pos + L) !== 0) {
          return fail(`response ${verified} differs from the point sent (corrupted or not a point)`);
        }
        const seq = buf.readDoubleLE(pos + seqAt);
        if (seq !== verified)
          return fail(`response ${verified} carries point ${seq}: ${seq > verified ? 'lost points' : 'reordered or duplicated'}`);
        verified++;
        pos += L;
      }
      if (verified >= nextSampleAt) {
        nextSampleAt = verified + SAMPLE_EVERY;
        sample();
      }
      pending = pos === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
      buf = pending;
      sinceThrottle += chunk.length;
      if (sinceThrottle >= PAUSE_EVERY) {
        sinceThrottle = 0;
        child.stdout!.pause();
        setTimeout(() => child.stdout!.resume(), PAUSE_MS);
      }
    });

    // ---- memory sampling
    const sampler = setInterval(sample, SAMPLE_MS);

    // ---- writer: blocks of frames, with backpressure
    child.stdin!.write(encodeFrame(encodeRequest({ message: { $case: 'init', value: { options: [], taskID: 'soak', nodeID: 'udf1' } } })));
    let exited = false;
    child.once('close', () => (exited = true));
    const PER_BLOCK = 4096;
    let written = 0;
    while (written < POINTS && !failure && !exited) {
      const n = Math.min(PER_BLOCK, POINTS - written);
      const block = Buffer.allocUnsafe(n * L);
      for (let i = 0; i < n; i++) {
        frame.copy(block, i * L);
        block.writeDoubleLE(written + i, i * L + seqAt);
      }
      written += n;
      if (!child.stdin!.write(block)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearInterval(watch);
            child.stdin!.off('drain', done);
            resolve();
          };
          // A UDF that died never drains: notice it.
          const watch = setInterval(() => exited && done(), 100);
          child.stdin!.once('drain', done);
        });
      }
    }
    child.stdin!.end();
    await done;
    const code = await udf.exited(120_000);
    clearInterval(sampler);

    expect(failure).toBeUndefined();
    expect(code).toBe(0);
    expect(pending.length).toBe(0);
    expect(verified).toBe(POINTS);

    // ---- flat after warm-up: the 20-40% window vs the last 40%
    const heap = heapReports(udf.stderr());
    const window = <T extends { at: number }>(xs: T[], from: number, to: number): T[] =>
      xs.filter((x) => x.at >= from * POINTS && x.at <= to * POINTS);
    const warmRss = window(samples, 0.2, 0.4).map((s) => s.rss);
    const lateRss = window(samples, 0.6, 1).map((s) => s.rss);
    const summary = {
      points: verified,
      rssMiB: { warm: Math.max(...warmRss) / MiB, late: Math.max(...lateRss) / MiB },
      heapSamples: heap.length,
    };
    process.stdout.write(`soak: ${JSON.stringify(summary)}\n`);
    expect(warmRss.length).toBeGreaterThan(0);
    expect(lateRss.length).toBeGreaterThan(0);
    // Generous: a leak of a few bytes per point over millions of points shows; GC noise does not.
    expect(Math.max(...lateRss)).toBeLessThan(Math.max(...warmRss) + 64 * MiB);
    if (heap.length >= 10) {
      const n = heap.length;
      const warmHeap = heap.slice(Math.floor(n * 0.2), Math.floor(n * 0.4)).map((h) => h.heapUsed);
      const lateHeap = heap.slice(Math.floor(n * 0.6), n - 1).map((h) => h.heapUsed);
      expect(Math.max(...lateHeap)).toBeLessThan(Math.max(...warmHeap) + 16 * MiB);
    }
  } finally {
    udf.kill();
  }
});
