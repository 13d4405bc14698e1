/**
 * How much heap each worker thread may use (its resourceLimits). Without a
 * limit every worker gets V8's default for the machine, the same as the main
 * thread (4 GB here): with 4 workers the process could grow to 5 times that
 * before any of them noticed, and the retained memory budget of each thread
 * (half its heap limit) would promise more than the machine has.
 */
import * as os from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Share of physical memory that the heaps of all threads (main and workers) together may take. */
export const THREADS_MEMORY_SHARE = 0.75;
/** No worker gets less: it must hold a default-size message (64 MiB) while decoding it, and its UDF. */
export const MIN_WORKER_OLD_GENERATION_MB = 128;

/**
 * maxOldGenerationSizeMb for each of `workers` threads: an equal share of
 * 3/4 of physical memory among all threads (the main one included), the
 * rest left to the OS, Buffers (outside the V8 heap) and other processes;
 * and never more than the main thread's own heap limit, so that a lower
 * `--max-old-space-size` for udf-run lowers its workers too. At least
 * MIN_WORKER_OLD_GENERATION_MB. Each worker then sizes its retained memory
 * budget from its own heap limit (worker-main.ts).
 */
export function workerOldGenerationMb(
  workers: number,
  mainHeapLimitBytes: number = getHeapStatistics().heap_size_limit,
  totalMemoryBytes: number = os.totalmem(),
): number {
  const mb = 1024 * 1024;
  const share = Math.floor((totalMemoryBytes * THREADS_MEMORY_SHARE) / (workers + 1) / mb);
  const main = Math.floor(mainHeapLimitBytes / mb);
  return Math.max(MIN_WORKER_OLD_GENERATION_MB, Math.min(share, main));
}
