/**
 * udf-run as a process UDF: the built binary spawned with pipes, driven the
 * way Kapacitor drives it (docs/protocol.md §4).
 */
import { ValueType } from '@kapacitor-udf/core';
import { WirePeer } from '@kapacitor-udf/testing';
import { ensureBuilt } from '../support/build';
import { expectCase, info, init, keepalive, point, pointRequest, snapshot } from './helpers/messages';
import { fixture } from './helpers/paths';
import { killAllUdfRuns, UdfRunProcess } from './helpers/udf-run';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => killAllUdfRuns());

function start(args: string[]): { proc: UdfRunProcess; peer: WirePeer; stdout: Buffer[] } {
  const proc = new UdfRunProcess(args);
  // Every stdout byte, to prove the stream holds nothing but frames.
  const stdout: Buffer[] = [];
  proc.child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  return { proc, peer: new WirePeer(proc.child.stdout, proc.child.stdin), stdout };
}

describe('udf-run over stdin/stdout', () => {
  test('Info, Init, points, keepalive, snapshot, EOF: exits 0 with every response flushed', async () => {
    const { proc, peer } = start(['mirror', '--module', fixture('mirror-udfs.js'), '--log-level', 'debug']);

    peer.send(info());
    const infoResponse = expectCase(await peer.next(), 'info');
    expect(infoResponse.wants).toBe(0);
    expect(infoResponse.provides).toBe(0);
    expect(infoResponse.options.field.valueTypes).toEqual([ValueType.STRING, ValueType.DOUBLE]);

    peer.send(
      init(
        [
          {
            name: 'field',
            values: [
              { type: ValueType.STRING, value: { $case: 'stringValue', value: 'extra' } },
              { type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: 42 } },
            ],
          },
        ],
        'cpu_task',
        'mirror2',
      ),
    );
    expect(expectCase(await peer.next(), 'init')).toEqual({ success: true, error: '' });

    const times = [1_700_000_000_000_000_001n, 1_700_000_000_000_000_002n, 9_007_199_254_740_993n];
    for (const time of times) peer.send(pointRequest(point({ time })));
    peer.send(keepalive(1_700_000_000_999_999_999n));
    peer.send(snapshot());
    // Written after the snapshot request and before EOF: must still come back.
    peer.send(pointRequest(point({ time: 5n })));
    peer.endInput();

    const responses = await peer.rest();
    const cases = responses.map((r) => r.message?.$case);
    expect(cases).toEqual(['point', 'point', 'point', 'keepalive', 'snapshot', 'point']);
    const points = responses.filter((r) => r.message?.$case === 'point').map((r) => expectCase(r, 'point'));
    expect(points.map((p) => p.time)).toEqual([...times, 5n]);
    for (const p of points) expect(p.fieldsDouble).toEqual({ value: 1.5, extra: 42 });
    expect(expectCase(responses[3], 'keepalive').time).toBe(1_700_000_000_999_999_999n);
    expect(expectCase(responses[4], 'snapshot').snapshot.length).toBeGreaterThan(0);

    expect(await proc.exited).toEqual({ code: 0, signal: null });
    const closed = proc.logs().find((l) => l.msg === 'connection closed');
    expect(closed).toMatchObject({ taskID: 'cpu_task', nodeID: 'mirror2', transport: 'stdio' });
    const initLine = proc.logs().find((l) => l.msg === 'init');
    expect(initLine).toMatchObject({ level: 'debug', taskID: 'cpu_task', options: [{ name: 'field', values: ['extra', 42] }] });
  });

  test('console.log and process.stdout.write inside a handler never reach the protocol stream', async () => {
    const { proc, peer, stdout } = start(['mirror', '--module', fixture('mirror-udfs.js')]);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    for (let i = 0; i < 3; i++) peer.send(pointRequest(point({ time: BigInt(i), fieldsString: { print: `p${i}` } })));
    peer.endInput();

    const responses = await peer.rest();
    expect(responses.map((r) => expectCase(r, 'point').time)).toEqual([0n, 1n, 2n]);
    expect(await proc.exited).toEqual({ code: 0, signal: null });

    // Every stdout byte decoded as a frame (the decoder would have failed on
    // text), and the text went to stderr instead.
    const stdoutText = Buffer.concat(stdout).toString('latin1');
    expect(stdoutText).not.toContain('from a handler');
    expect(stdoutText).not.toContain('loading');
    expect(proc.stderr).toContain('console.log from a handler p0');
    expect(proc.stderr).toContain('console.info from a handler');
    expect(proc.stderr).toContain('console.debug from a handler');
    expect(proc.stderr).toContain("{ dir: 'from a handler' }");
    expect(proc.stderr).toContain('process.stdout.write from a handler');
    expect(proc.stderr).toContain('mirror-udfs.js loading (this line must go to stderr)');
  });

  test('an Info-only run (Kapacitor startup) answers and exits 0 when stdin closes', async () => {
    const { proc, peer } = start(['MirrorUdf', '--module', fixture('mirror-udfs.js')]);
    peer.send(info());
    expectCase(await peer.next(), 'info');
    peer.endInput();
    expect(await peer.rest()).toEqual([]);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  test('output a handler produces after EOF is delivered before the process exits', async () => {
    const { proc, peer } = start(['BufferUdf', '--module', fixture('mirror-udfs.js')]);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    for (let i = 0; i < 50; i++) peer.send(pointRequest(point({ time: BigInt(i) })));
    peer.endInput();
    const responses = await peer.rest();
    expect(responses.map((r) => expectCase(r, 'point').time)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  test('a handler error: ErrorResponse flushed, exit 1, logged with task and node IDs', async () => {
    const { proc, peer } = start(['mirror', '--module', fixture('mirror-udfs.js')]);
    peer.send(init([], 'failing_task', 'mirror7'));
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ time: 1n })));
    peer.send(pointRequest(point({ time: 2n, fieldsString: { fail: 'boom' } })));
    const responses = await peer.rest();
    expect(expectCase(responses[0], 'point').time).toBe(1n);
    const error = expectCase(responses[responses.length - 1], 'error');
    expect(error.error).toContain('asked to fail: boom');
    expect((await proc.exited).code).toBe(1);
    const failure = proc.logs().find((l) => l.level === 'error');
    expect(failure).toMatchObject({ taskID: 'failing_task', nodeID: 'mirror7' });
  });

  test('an error thrown outside any handler call (a timer): ErrorResponse, exit 1', async () => {
    const { proc, peer } = start(['mirror', '--module', fixture('mirror-udfs.js')]);
    peer.send(init([], 'timer_task', 'n'));
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ fieldsString: { throwLater: 'tick' } })));
    const responses = await peer.rest();
    expect(expectCase(responses[0], 'point').fieldsString).toEqual({ throwLater: 'tick' });
    expect(expectCase(responses[responses.length - 1], 'error').error).toContain('thrown from a timer: tick');
    expect((await proc.exited).code).toBe(1);
  });

  test('--max-message-size is applied: a bigger request ends the conversation with an ErrorResponse', async () => {
    const { proc, peer } = start(['mirror', '--module', fixture('mirror-udfs.js'), '--max-message-size', '200']);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ tags: { big: 'x'.repeat(500) } })));
    const responses = await peer.rest();
    expect(responses.map((r) => r.message?.$case)).toEqual(['error']);
    expect(expectCase(responses[0], 'error').error).toMatch(/200/);
    expect((await proc.exited).code).toBe(1);
  });

  test("serveStdio from a user's own main works the same way", async () => {
    const proc = new UdfRunProcess([], { script: fixture('serve-main.js') });
    const peer = new WirePeer(proc.child.stdout, proc.child.stdin);
    peer.send(info());
    expectCase(await peer.next(), 'info');
    peer.send(init());
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point({ time: 99n, fieldsString: { print: 'main' } })));
    peer.endInput();
    const [echoed] = await peer.rest();
    expect(expectCase(echoed, 'point').time).toBe(99n);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.stderr).toContain('console.log from a handler main');
    expect(proc.logs().some((l) => l.msg === 'init' && l.level === 'debug')).toBe(true);
  });

  test('a TypeScript module runs through ts-node', async () => {
    const { proc, peer } = start(['tsScale', '--module', fixture('ts-udf.ts')]);
    peer.send(init([{ name: 'factor', values: [{ type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: 3 } }] }]));
    expect(expectCase(await peer.next(), 'init').success).toBe(true);
    peer.send(pointRequest(point({ fieldsDouble: { value: 1.5 } })));
    peer.endInput();
    const [response] = await peer.rest(20_000);
    expect(expectCase(response, 'point').fieldsDouble).toEqual({ value: 4.5 });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  test('an ES module (.mjs) loads', async () => {
    const { proc, peer } = start(['esmTag', '--module', fixture('esm-udf.mjs')]);
    peer.send(init());
    expectCase(await peer.next(), 'init');
    peer.send(pointRequest(point()));
    peer.endInput();
    const [response] = await peer.rest();
    expect(expectCase(response, 'point').fieldsString).toEqual({ via: 'esm' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
