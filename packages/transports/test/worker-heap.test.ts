import { MIN_WORKER_OLD_GENERATION_MB, workerOldGenerationMb } from '../src/worker-heap';

// Workers get resourceLimits that fit the machine (issue 20, item 7), not V8's default each.
const MB = 1024 * 1024;
const GB = 1024 * MB;

test('an equal share of 3/4 of physical memory among all threads, the main one included', () => {
  // 24 GB, 4 workers: 18 GB / 5 threads = 3,686 MB each (below the main thread's 4,144 MB).
  expect(workerOldGenerationMb(4, 4144 * MB, 24 * GB)).toBe(3686);
  expect(workerOldGenerationMb(16, 4144 * MB, 24 * GB)).toBe(1084);
});

test("never more than the main thread's own heap limit (udf-run --max-old-space-size lowers workers too)", () => {
  expect(workerOldGenerationMb(2, 240 * MB, 24 * GB)).toBe(240);
});

test('never less than the floor a default-size message needs', () => {
  expect(workerOldGenerationMb(64, 4144 * MB, 2 * GB)).toBe(MIN_WORKER_OLD_GENERATION_MB);
});
