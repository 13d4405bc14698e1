/**
 * A process UDF at EOF or SIGTERM with an async handler still pending: the
 * handler gets up to the shutdown timeout to finish and everything queued
 * behind it is answered and flushed (exit 0); past the timeout, an
 * ErrorResponse, a log line and a non-zero exit. Never a silent exit 0 with
 * points dropped (a pending promise does not by itself keep Node running).
 */
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { type ProcessUdf, sleep, spawnUdfRun } from './helpers/udf-run';

beforeAll(() => requireBuilt());

const unrefSleep = (seq: number, ms: number) => makePoint(seq, { fieldsString: { do: 'sleep-unref' }, fieldsInt: { ms: BigInt(ms) } });
const hang = (seq: number) => makePoint(seq, { fieldsString: { do: 'hang' } });

async function started(args: string[] = []): Promise<ProcessUdf> {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS, args });
  udf.peer.send(init());
  await udf.peer.until(() => udf.peer.count('init') === 1, 'the InitResponse');
  return udf;
}

const stop = {
  EOF: (udf: ProcessUdf) => udf.peer.endInput(),
  SIGTERM: (udf: ProcessUdf) => udf.child.kill('SIGTERM'),
};

describe.each(Object.entries(stop))('at %s', (_how, stopIt) => {
  test('a pending handler finishes, the points queued behind it are answered, exit 0', async () => {
    const udf = await started();
    try {
      udf.peer.point(unrefSleep(1, 600));
      udf.peer.point(makePoint(2));
      udf.peer.point(makePoint(3));
      await sleep(100);
      stopIt(udf);
      expect(await udf.exited()).toBe(0);
      expect(udf.peer.of('point')).toEqual([unrefSleep(1, 600), makePoint(2), makePoint(3)]);
      expect(udf.peer.count('error')).toBe(0);
    } finally {
      udf.kill();
    }
  });

  test('a handler still pending at the shutdown timeout: ErrorResponse, a log line, exit 1', async () => {
    const udf = await started(['--shutdown-timeout', '500ms']);
    try {
      udf.peer.point(makePoint(1));
      udf.peer.point(hang(2));
      udf.peer.point(makePoint(3));
      await sleep(100);
      const t0 = Date.now();
      stopIt(udf);
      expect(await udf.exited()).toBe(1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
      expect(udf.peer.of('point')).toEqual([makePoint(1)]);
      expect(udf.peer.of('error').map((e) => e.error)).toEqual([expect.stringMatching(/did not finish within 500 ms.*--shutdown-timeout/)]);
      expect(udf.stderr()).toMatch(/"level":"error".*did not finish within 500 ms/);
    } finally {
      udf.kill();
    }
  });
});
