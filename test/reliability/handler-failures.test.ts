/**
 * Handlers that throw, reject, never settle or emit unbalanced batches: the
 * right ErrorResponse, after everything emitted before the failure, and no
 * corrupted output (nothing after the error, batches balanced, every frame
 * whole). Over the built udf-run (fixture UDFs) and, for what the decorators
 * would catch first, straight through the core Agent.
 */
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import {
  Agent,
  type BeginBatch,
  decodeResponse,
  type Emitter,
  type EndBatch,
  encodeFrame,
  encodeRequest,
  FrameDecoder,
  type Handler,
  type Logger,
  type Point,
  type Request,
  type Response,
} from '@kapacitor-udf/core';
import { outputProblems } from './helpers/output-checks';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, keepalive, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { sleep, spawnUdfRun, type WirePeer } from './helpers/udf-run';

const doing = (seq: number, what: string, extra: Partial<Point> = {}): Point => makePoint(seq, { fieldsString: { do: what }, ...extra });

beforeAll(() => requireBuilt());

describe('fixture UDFs over a socket (udf-run faulty / unbalanced)', () => {
  let faulty: SocketUdfServer;
  let unbalanced: SocketUdfServer;

  beforeAll(async () => {
    [faulty, unbalanced] = await Promise.all([
      startSocketServer({ name: 'faulty', module: FIXTURE_UDFS, args: ['--handler-timeout', '1s'] }),
      startSocketServer({ name: 'unbalanced', module: FIXTURE_UDFS }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([faulty?.stop(), unbalanced?.stop()]);
  });

  async function conversation(server: SocketUdfServer, run: (peer: WirePeer) => void | Promise<void>): Promise<WirePeer> {
    const { peer, socket } = await server.connect();
    try {
      peer.send(init());
      // Keepalives may overtake a pending Init: wait for it, for a fixed order.
      await peer.until(() => peer.count('init') === 1, 'the InitResponse');
      await run(peer);
      await peer.closed();
    } finally {
      (socket as Socket).destroy();
    }
    expect(peer.outputError).toBeUndefined();
    return peer;
  }

  test.each([
    ['throws synchronously', 'throw', /^point handler failed: asked to throw at point 1700000000000000003$/],
    ['rejects', 'reject', /^point handler failed: asked to reject at point 1700000000000000003$/],
    ['never resolves (handler timeout 1 s)', 'hang', /^point handler did not finish within 1000 ms \(raise handlerTimeoutMs/],
  ])('a point handler that %s: the points before it, then one ErrorResponse, then the close', async (_what, what, error) => {
    const peer = await conversation(faulty, (p) => {
      p.point(makePoint(1));
      p.point(makePoint(2));
      p.point(doing(3, what));
      p.point(makePoint(4)); // never handled: the conversation is over
    });
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'point', 'point', 'error']);
    expect(peer.of('point')).toEqual([makePoint(1), makePoint(2)]);
    expect(peer.of('error')[0].error).toMatch(error);
    expect(outputProblems(peer.responses, 'stream')).toEqual([]);
    expect(faulty.child.exitCode).toBeNull();
  });

  test('a never-resolving handler: keepalives are still answered until the timeout ends it', async () => {
    const peer = await conversation(faulty, async (p) => {
      p.point(doing(1, 'hang'));
      for (let i = 1n; i <= 3n; i++) {
        p.send(keepalive(i));
        await p.until(() => p.count('keepalive') === Number(i) || p.count('error') > 0, `keepalive ${i}`);
      }
    });
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'keepalive', 'keepalive', 'keepalive', 'error']);
    expect(peer.of('keepalive').map((k) => k.time)).toEqual([1n, 2n, 3n]);
  });

  test('a slow handler within the timeout is not cut', async () => {
    const peer = await conversation(faulty, (p) => {
      p.point(doing(1, 'sleep', { fieldsInt: { ms: 100n } }));
      p.point(makePoint(2));
      p.endInput();
    });
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'point', 'point']);
  });

  const begin = (n: number): BeginBatch => ({ name: 'cpu', group: '', tags: { n: String(n) }, size: 2n, byName: false });
  const end = (n: number): EndBatch => ({ name: 'cpu', group: '', tmax: BigInt(n), tags: { n: String(n) }, byName: false });

  test.each([
    [
      'emits EndBatch twice (an EndBatch without BeginBatch)',
      'end-without-begin',
      ['begin', 'point', 'point', 'end', 'begin', 'point', 'end', 'error'],
      /endBatch|EndBatch|batch/,
    ],
    [
      'opens a batch inside the open batch',
      'begin-twice',
      ['begin', 'point', 'point', 'end', 'begin', 'error'],
      /beginBatch|BeginBatch|batch/,
    ],
    ['emits a point after closing its batch', 'point-outside', ['begin', 'point', 'point', 'end', 'begin', 'end', 'error'], /point|batch/],
  ])('a batch handler that %s: refused with an ErrorResponse, the output stays balanced', async (_what, what, kinds, error) => {
    const peer = await conversation(unbalanced, (p) => {
      p.send({ $case: 'begin', value: begin(1) });
      p.point(makePoint(1));
      p.point(makePoint(2));
      p.send({ $case: 'end', value: end(1) });
      p.send({ $case: 'begin', value: begin(2) });
      p.point(doing(3, what));
      p.point(makePoint(4));
      p.send({ $case: 'end', value: end(2) });
    });
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', ...kinds]);
    expect(peer.of('error')[0].error).toMatch(error);
    expect(outputProblems(peer.responses, 'batch')).toEqual([]);
    expect(unbalanced.child.exitCode).toBeNull();
  });
});

test('a process UDF whose handler throws: ErrorResponse, exit 1, a log line saying why', async () => {
  const udf = spawnUdfRun({ name: 'faulty', module: FIXTURE_UDFS });
  try {
    const { peer } = udf;
    peer.send(init());
    peer.point(makePoint(1));
    peer.point(doing(2, 'throw'));
    await peer.closed();
    expect(await udf.exited()).toBe(1);
    expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'point', 'error']);
    expect(udf.stderr()).toMatch(/point handler failed: asked to throw at point 1700000000000000002/);
  } finally {
    udf.kill();
  }
});

// ------------------------------------------------------------------ in memory

/** A silent logger that keeps what was logged. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const baseHandler: Handler = {
  info: () => ({ wants: 1, provides: 1, options: {} }),
  init: () => ({ success: true, error: '' }),
  snapshot: () => ({ snapshot: Buffer.alloc(0) }),
  restore: () => ({ success: true, error: '' }),
  beginBatch: () => undefined,
  point: () => undefined,
  endBatch: () => undefined,
  stop: () => undefined,
};

interface Run {
  responses: Response[];
  outcome: 'resolved' | string;
  logger: ReturnType<typeof recordingLogger>;
}

/** Runs a core Agent over in-memory streams with `requests`, then EOF. */
async function runAgent(
  make: (emitter: Emitter) => Partial<Handler>,
  requests: Request['message'][],
  opts: { handlerTimeoutMs?: number; keepOpen?: boolean } = {},
): Promise<Run> {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const logger = recordingLogger();
  const agent = new Agent({
    input,
    output,
    handler: (e) => ({ ...baseHandler, ...make(e) }),
    logger,
    handlerTimeoutMs: opts.handlerTimeoutMs,
  });
  const done = agent.start();
  for (const r of requests) input.write(encodeFrame(encodeRequest({ message: r })));
  if (!opts.keepOpen) input.end();
  const outcome = await done.then(
    () => 'resolved',
    (err: Error) => `${(err as { code?: string }).code}: ${err.message}`,
  );
  input.end();
  const decoder = new FrameDecoder();
  const frames = decoder.push(Buffer.concat(chunks));
  decoder.end();
  return { responses: frames.map((f) => decodeResponse(f)), outcome, logger };
}

const b1: BeginBatch = { name: 'm', group: '', tags: {}, size: 1n, byName: false };
const e1: EndBatch = { name: 'm', group: '', tmax: 1n, tags: {}, byName: false };
const pointReq = (n: number): Request['message'] => ({ $case: 'point', value: makePoint(n) });

describe('core Agent with raw handlers (no decorator checks in between)', () => {
  test('emitting EndBatch with no open batch: BatchOrderError as the ErrorResponse, nothing of it on the wire', async () => {
    const run = await runAgent(
      (e) => ({
        point: (p) => {
          e.point(p);
          e.endBatch(e1);
        },
      }),
      [pointReq(1)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['point', 'error']);
    expect((run.responses[1].message as { value: { error: string } }).value.error).toMatch(/endBatch\(\) called with no open batch/);
    expect(run.outcome).toMatch(/^ERR_HANDLER_FAILED: /);
  });

  test('emitting BeginBatch inside an open batch: refused, the open batch is not corrupted', async () => {
    const run = await runAgent(
      (e) => ({
        point: (p) => {
          e.beginBatch(b1);
          e.point(p);
          e.beginBatch(b1);
        },
      }),
      [pointReq(1)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['begin', 'point', 'error']);
    expect((run.responses[2].message as { value: { error: string } }).value.error).toMatch(
      /beginBatch\(\) called while a batch is still open/,
    );
  });

  test('a batch left open at the end: a logged warning, and the output ends cleanly', async () => {
    const run = await runAgent(
      (e) => ({
        point: (p) => {
          e.beginBatch(b1);
          e.point(p);
        },
      }),
      [pointReq(1)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['begin', 'point']);
    expect(run.outcome).toBe('resolved');
    expect(run.logger.lines.join('\n')).toMatch(/output batch still open/);
  });

  test.each([
    ['a string', 'just a string', /point handler failed: just a string/],
    ['undefined', undefined, /point handler failed: /],
    ['an object', { code: 42 }, /point handler failed: \{"code":42\}/],
    ['an Error without a message', new TypeError(), /point handler failed: TypeError/],
  ])('a handler throwing %s: a readable ErrorResponse', async (_what, thrown, error) => {
    const run = await runAgent(
      () => ({
        point: () => {
          throw thrown;
        },
      }),
      [pointReq(1)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['error']);
    expect((run.responses[0].message as { value: { error: string } }).value.error).toMatch(error);
  });

  test('an object whose toJSON throws, thrown by a handler: still one ErrorResponse', async () => {
    const evil = {
      toJSON() {
        throw new Error('no JSON for you');
      },
    };
    const run = await runAgent(
      () => ({
        point: () => {
          throw evil;
        },
      }),
      [pointReq(1)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['error']);
  });

  test('init returning null: an ErrorResponse, never an empty InitResponse', async () => {
    const run = await runAgent(
      () => ({ init: () => null as never }),
      [{ $case: 'init', value: { options: [], taskID: 't', nodeID: 'n' } }],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['error']);
    expect((run.responses[0].message as { value: { error: string } }).value.error).toMatch(
      /init handler failed: it returned null, expected an InitResponse/,
    );
  });

  test('stop() throwing at EOF: ErrorResponse after everything emitted before', async () => {
    const run = await runAgent(
      (e) => ({
        point: (p) => e.point(p),
        stop: () => {
          throw new Error('flush failed');
        },
      }),
      [pointReq(1), pointReq(2)],
    );
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['point', 'point', 'error']);
    expect((run.responses[2].message as { value: { error: string } }).value.error).toBe('stop handler failed: flush failed');
  });

  test('a handler that rejects after its timeout fired: one ErrorResponse only (the timeout), nothing later', async () => {
    const run = await runAgent(
      () => ({ point: () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('too late')), 150)) }),
      [pointReq(1), pointReq(2)],
      { handlerTimeoutMs: 50, keepOpen: true },
    );
    await sleep(200);
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['error']);
    expect((run.responses[0].message as { value: { error: string } }).value.error).toMatch(/point handler did not finish within 50 ms/);
  });

  test('emitting from a timer after the conversation ended: dropped with a warning, no write after end', async () => {
    let emitter!: Emitter;
    const run = await runAgent(
      (e) => {
        emitter = e;
        return { point: (p) => e.point(p) };
      },
      [pointReq(1)],
    );
    expect(() => emitter.point(makePoint(9))).not.toThrow();
    expect(run.responses.map((r) => r.message?.$case)).toEqual(['point']);
    expect(run.logger.lines.join('\n')).toMatch(/after the conversation ended: dropped/);
  });
});
