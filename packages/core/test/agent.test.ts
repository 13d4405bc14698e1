// Kapacitor's side is the testing kit's byte-level peer, resolved through jest's
// moduleNameMapper and the root tsconfig paths only: core has no package.json
// dependency on the kit (the kit depends on core), so the published graph keeps
// pointing one way; only these tests sit on top of it.
import { type InMemoryWirePeer, WirePeer } from '@kapacitor-udf/testing';
import { Agent } from '../src/agent';
import { encodeRequest } from '../src/codec';
import { encodeFrame } from '../src/encode-frame';
import { BatchOrderError, HandlerError, HandlerTimeoutError, ProtocolError } from '../src/errors';
import type { InfoResponse, Point } from '../src/generated/udf';
import type { Emitter, Handler } from '../src/handler';
import { createLogger, type Logger, silentLogger } from '../src/logger';
import { deferred, mirrorHandler } from './helpers/handlers';
import { point, req, tick } from './helpers/requests';

/** The mirror of helpers/handlers, whose snapshot is the bytes 'state'. */
const mirror = (emitter: Emitter, overrides: Partial<Handler> = {}): Handler =>
  mirrorHandler(emitter, { snapshot: () => ({ snapshot: Buffer.from('state') }), ...overrides });

function captureLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', stream: { write: (l: string) => lines.push(JSON.parse(l)) } });
  return Object.assign(logger, { lines });
}

function setup(overrides: (emitter: Emitter) => Partial<Handler> = () => ({}), opts: { handlerTimeoutMs?: number; logger?: Logger } = {}) {
  const k = WirePeer.inMemory();
  const agent = new Agent({
    input: k.toUdf,
    output: k.fromUdf,
    handler: (emitter) => mirror(emitter, overrides(emitter)),
    logger: opts.logger ?? silentLogger,
    handlerTimeoutMs: opts.handlerTimeoutMs,
  });
  const done = agent.start();
  return { k, agent, done };
}

describe('Agent: the conversation', () => {
  test('answers management requests, mirrors data, and ends cleanly on EOF', async () => {
    const { k, done } = setup();
    const p = point({ fieldsInt: { n: 9223372036854775807n } });
    k.send(
      req.info(),
      req.init(),
      req.restore(Buffer.from('x')),
      req.begin('b'),
      req.point(p),
      req.end('b'),
      req.snapshot(),
      req.keepalive(42n),
    );
    k.endInput();
    await done;
    expect(k.kinds()).toEqual(['info', 'init', 'restore', 'begin', 'point', 'end', 'snapshot', 'keepalive']);
    expect(k.responses[4].message).toEqual({ $case: 'point', value: p });
    expect(k.responses[6].message).toEqual({ $case: 'snapshot', value: { snapshot: Buffer.from('state') } });
    expect(k.responses[7].message).toEqual({ $case: 'keepalive', value: { time: 42n } });
    expect(k.fromUdf.writableEnded).toBe(true);
  });

  test('InitResponse / RestoreResponse with success=false are data, not errors', async () => {
    const { k, done } = setup(() => ({
      init: () => ({ success: false, error: 'missing option field' }),
      restore: () => ({ success: false, error: 'bad snapshot' }),
    }));
    k.send(req.init(), req.restore(Buffer.alloc(0)), req.point(point()));
    k.endInput();
    await done;
    expect(k.kinds()).toEqual(['init', 'restore', 'point']);
    expect(k.responses[0].message?.value).toEqual({ success: false, error: 'missing option field' });
  });

  test('sync handlers are not awaited: no promise per message', async () => {
    const calls: string[] = [];
    const { k, done } = setup((e) => ({
      point: (p) => {
        calls.push(p.name);
        e.point(p);
      },
    }));
    k.send(...Array.from({ length: 100 }, (_, i) => req.point(point({ name: `p${i}` }))));
    // All frames of the chunk are handled synchronously while it is read.
    await tick();
    expect(calls.length).toBe(100);
    k.endInput();
    await done;
    expect(k.responses.map((r) => (r.message!.value as Point).name)).toEqual(calls);
  });

  test('async handlers are called one at a time, in arrival order', async () => {
    const log: string[] = [];
    let active = 0;
    const { k, done } = setup((e) => ({
      point: async (p) => {
        active++;
        expect(active).toBe(1);
        log.push(`start ${p.name}`);
        await tick(Math.floor(Math.random() * 3));
        log.push(`end ${p.name}`);
        e.point(p);
        active--;
      },
      init: async () => {
        await tick(2);
        return { success: true, error: '' };
      },
    }));
    const names = Array.from({ length: 30 }, (_, i) => `p${i}`);
    k.send(req.init(), ...names.map((name) => req.point(point({ name }))));
    k.endInput();
    await done;
    expect(log).toEqual(names.flatMap((n) => [`start ${n}`, `end ${n}`]));
    expect(k.kinds()[0]).toBe('init');
    expect(k.responses.slice(1).map((r) => (r.message!.value as Point).name)).toEqual(names);
  });

  test('keepalives are answered while an async handler is still pending', async () => {
    const gate = deferred();
    let pointCalls = 0;
    const { k, done } = setup((e) => ({
      point: async (p) => {
        pointCalls++;
        await gate.promise;
        e.point(p);
      },
    }));
    k.send(req.point(point({ name: 'slow' })), req.point(point({ name: 'queued' })));
    await tick(5);
    k.send(req.keepalive(1n));
    await k.waitFor(1);
    expect(k.responses[0].message).toEqual({ $case: 'keepalive', value: { time: 1n } });
    expect(pointCalls).toBe(1); // the second point waits its turn
    k.send(req.keepalive(2n));
    await k.waitFor(2);
    gate.resolve();
    k.endInput();
    await done;
    expect(k.kinds()).toEqual(['keepalive', 'keepalive', 'point', 'point']);
    expect(k.responses.slice(2).map((r) => (r.message!.value as Point).name)).toEqual(['slow', 'queued']);
  });

  test('EOF: stop() is called and everything it emits (even later, async) is flushed before the end', async () => {
    let stopped = false;
    const { k, done } = setup((e) => ({
      point: () => undefined, // buffers nothing visible
      stop: async () => {
        await tick(5);
        for (let i = 0; i < 1000; i++) e.point(point({ name: `flushed${i}` }));
        stopped = true;
      },
    }));
    k.send(req.point(point()));
    k.endInput();
    await done;
    expect(stopped).toBe(true);
    expect(k.responses.length).toBe(1000);
    expect((k.responses[999].message!.value as Point).name).toBe('flushed999');
    expect(k.fromUdf.writableFinished).toBe(true);
  });

  test('output emitted by timers between requests is delivered in order', async () => {
    const { k, agent, done } = setup();
    k.send(req.point(point({ name: 'a' })));
    await k.waitFor(1);
    agent.point(point({ name: 'from-timer' }));
    k.send(req.point(point({ name: 'b' })));
    k.endInput();
    await done;
    expect(k.responses.map((r) => (r.message!.value as Point).name)).toEqual(['a', 'from-timer', 'b']);
  });

  test('a zero-length frame and an unknown request kind are ignored with a warning', async () => {
    const logger = captureLogger();
    const { k, done } = setup(() => ({}), { logger });
    const unknownKind = Buffer.from([0xa2, 0x01, 0x00]); // field 20, empty
    k.sendRaw(
      Buffer.concat([encodeFrame(Buffer.alloc(0)), encodeFrame(unknownKind), encodeFrame(encodeRequest({ message: req.point(point()) }))]),
    );
    k.endInput();
    await done;
    expect(k.kinds()).toEqual(['point']);
    expect(logger.lines.filter((l) => l.level === 'warn').length).toBe(2);
  });
});

describe('Agent: failures', () => {
  async function expectOneError(k: InMemoryWirePeer, done: Promise<void>, messagePart: RegExp): Promise<Error> {
    const err = await done.then(
      () => {
        throw new Error('start() resolved, expected a rejection');
      },
      (e: Error) => e,
    );
    await new Promise((r) => setImmediate(r));
    const errors = k.responses.filter((r) => r.message?.$case === 'error');
    expect(errors.length).toBe(1);
    expect(k.responses[k.responses.length - 1].message?.$case).toBe('error');
    expect((errors[0].message!.value as { error: string }).error).toMatch(messagePart);
    expect(k.fromUdf.writableEnded).toBe(true);
    return err;
  }

  test('a handler that throws: one ErrorResponse naming the request kind, then the end', async () => {
    let calls = 0;
    const { k, done } = setup((e) => ({
      point: (p) => {
        calls++;
        if (p.name === 'bad') throw new Error('boom');
        e.point(p);
      },
    }));
    k.send(req.point(point({ name: 'ok' })), req.point(point({ name: 'bad' })), req.point(point({ name: 'never' })));
    const err = await expectOneError(k, done, /^point handler failed: boom$/);
    expect(err).toBeInstanceOf(HandlerError);
    expect((err as HandlerError).code).toBe('ERR_HANDLER_FAILED');
    expect((err as HandlerError).cause).toEqual(new Error('boom'));
    expect(calls).toBe(2);
    expect(k.kinds()).toEqual(['point', 'error']);
  });

  test('a rejected promise', async () => {
    const { k, done } = setup(() => ({
      init: async () => {
        await tick(1);
        throw new Error('cannot connect');
      },
    }));
    k.send(req.init(), req.point(point()));
    const err = await expectOneError(k, done, /init handler failed: cannot connect/);
    expect(err).toBeInstanceOf(HandlerError);
    expect(k.kinds()).toEqual(['error']);
  });

  test('a handler that never settles hits handlerTimeoutMs', async () => {
    const { k, done } = setup(() => ({ point: () => new Promise<void>(() => undefined) }), { handlerTimeoutMs: 50 });
    k.send(req.point(point()));
    const err = await expectOneError(k, done, /point handler did not finish within 50 ms/);
    expect(err).toBeInstanceOf(HandlerTimeoutError);
    expect((err as HandlerTimeoutError).code).toBe('ERR_HANDLER_TIMEOUT');
  });

  test('the timeout applies to each call, not to the whole conversation', async () => {
    const { k, done } = setup(
      (e) => ({
        point: async (p) => {
          await tick(5);
          e.point(p);
        },
      }),
      { handlerTimeoutMs: 5000 },
    ); // 15 calls: the whole run is longer than one call's limit only if the limit were global
    k.send(...Array.from({ length: 1500 }, () => req.point(point())));
    k.endInput();
    await done;
    expect(k.responses.length).toBe(1500);
  });

  test('info() returning nothing is a handler error', async () => {
    const { k, done } = setup(() => ({ info: () => undefined as unknown as InfoResponse }));
    k.send(req.info());
    await expectOneError(k, done, /info handler failed: it returned undefined, expected an InfoResponse/);
  });

  test('an invalid point emitted by a handler is a handler error and nothing partial is sent', async () => {
    const { k, done } = setup((e) => ({
      point: (p) => e.point({ ...p, time: 5 as unknown as bigint }),
    }));
    k.send(req.point(point()));
    await expectOneError(k, done, /point handler failed: Point.time must be a bigint/);
    expect(k.kinds()).toEqual(['error']);
  });

  test('batch order: endBatch without beginBatch / nested beginBatch throw BatchOrderError and send nothing', async () => {
    const { k, agent, done } = setup();
    const end = { name: 'x', group: '', tmax: 0n, tags: {}, byName: false };
    const begin = { name: 'x', group: '', tags: {}, size: 0n, byName: false };
    expect(() => agent.endBatch(end)).toThrow(BatchOrderError);
    agent.beginBatch(begin);
    let caught: unknown;
    try {
      agent.beginBatch(begin);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BatchOrderError);
    expect((caught as BatchOrderError).code).toBe('ERR_BATCH_ORDER');
    agent.endBatch(end);
    expect(() => agent.endBatch(end)).toThrow(/no open batch/);
    k.endInput();
    await done;
    expect(k.kinds()).toEqual(['begin', 'end']);
  });

  test('batch order error inside a handler becomes one ErrorResponse', async () => {
    const { k, done } = setup((e) => ({ point: () => e.endBatch({ name: 'x', group: '', tmax: 0n, tags: {}, byName: false }) }));
    k.send(req.point(point()));
    const err = await expectOneError(k, done, /point handler failed: endBatch\(\) called with no open batch/);
    expect((err as HandlerError).cause).toBeInstanceOf(BatchOrderError);
    expect(k.kinds()).toEqual(['error']);
  });

  test('a framing error after valid requests: they are handled, then one ErrorResponse with the offset', async () => {
    const { k, done } = setup();
    const good = Buffer.from(encodeFrame(encodeRequest({ message: req.point(point()) })));
    k.sendRaw(Buffer.concat([good, Buffer.alloc(11, 0xff)]));
    const err = await expectOneError(k, done, new RegExp(`longer than 10 bytes.*|at byte ${good.length}`));
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('ERR_VARINT_TOO_LONG');
    expect((err as ProtocolError).offset).toBe(good.length);
    expect(k.kinds()).toEqual(['point', 'error']);
  });

  test('a malformed message body: ERR_INVALID_MESSAGE with the offset in the stream', async () => {
    const { k, done } = setup();
    const good = Buffer.from(encodeFrame(encodeRequest({ message: req.point(point()) })));
    // Request.point (field 17) sent with wire type varint.
    const bad = encodeFrame(Buffer.from([0x88, 0x01, 0x05]));
    k.sendRaw(Buffer.concat([good, bad]));
    const err = await expectOneError(k, done, /invalid request at byte \d+ of the input: .*Request.point \(field 17\) has wire type 0/);
    expect((err as ProtocolError).code).toBe('ERR_INVALID_MESSAGE');
    expect((err as ProtocolError).offset).toBe(good.length + 1);
  });

  test('a malformed point (the hot path): ERR_INVALID_MESSAGE naming the field, offset in the stream', async () => {
    const { k, done } = setup();
    const good = Buffer.from(encodeFrame(encodeRequest({ message: req.point(point()) })));
    // Request.point whose Point.time (field 1) arrives length-delimited.
    const bad = encodeFrame(Buffer.from([0x8a, 0x01, 0x03, 0x0a, 0x01, 0x00]));
    k.sendRaw(Buffer.concat([good, good, bad]));
    const err = await expectOneError(k, done, /invalid request at byte \d+ of the input: .*Point.time \(field 1\) has wire type 2/);
    expect((err as ProtocolError).code).toBe('ERR_INVALID_MESSAGE');
    expect((err as ProtocolError).offset).toBe(2 * good.length + 1 + 3);
    expect(k.kinds()).toEqual(['point', 'point', 'error']);
  });

  test('a frame larger than maxMessageSize', async () => {
    const k = WirePeer.inMemory();
    const agent = new Agent({ input: k.toUdf, output: k.fromUdf, handler: (e) => mirror(e), logger: silentLogger, maxMessageSize: 10 });
    const done = agent.start();
    k.sendRaw(encodeFrame(Buffer.alloc(11)));
    const err = await expectOneError(k, done, /declares a 11-byte message, more than maxMessageSize \(10 bytes\)/);
    expect((err as ProtocolError).code).toBe('ERR_FRAME_TOO_LARGE');
  });

  test('EOF in the middle of a frame', async () => {
    const { k, done } = setup();
    const frame = encodeFrame(encodeRequest({ message: req.point(point()) }));
    k.sendRaw(Buffer.concat([frame, frame.subarray(0, 10)]));
    k.endInput();
    const err = await expectOneError(k, done, /input ended .* in the middle of the frame starting at byte/);
    expect((err as ProtocolError).code).toBe('ERR_TRUNCATED_FRAME');
    expect(k.kinds()).toEqual(['point', 'error']);
  });

  test('stop() failing (a plain Handler object, not a factory): one ErrorResponse after what was emitted', async () => {
    const k = WirePeer.inMemory();
    let agent!: Agent;
    const handler: Handler = {
      ...mirror({ batchOpen: false, point: (p) => agent.point(p), beginBatch: () => undefined, endBatch: () => undefined }),
      stop: async () => {
        agent.point(point({ name: 'last' }));
        throw new Error('flush failed');
      },
    };
    agent = new Agent({ input: k.toUdf, output: k.fromUdf, handler, logger: silentLogger });
    const done = agent.start();
    k.send(req.point(point({ name: 'first' })));
    k.endInput();
    await expectOneError(k, done, /^stop handler failed: flush failed$/);
    expect(k.kinds()).toEqual(['point', 'point', 'error']);
  });

  test('close(reason) from outside: ErrorResponse with the reason, start() rejects with it', async () => {
    const { k, agent, done } = setup(() => ({ point: () => new Promise<void>(() => undefined) }));
    k.send(req.point(point()));
    await tick(5);
    const reason = new Error('server shutting down');
    agent.close(reason);
    await expect(done).rejects.toBe(reason);
    await new Promise((r) => setImmediate(r));
    expect(k.kinds()).toEqual(['error']);
  });

  test('close() without a reason: handles what was received, calls stop(), ends cleanly', async () => {
    let stopped = false;
    const { k, agent, done } = setup(() => ({ stop: () => void (stopped = true) }));
    k.send(req.point(point()));
    await k.waitFor(1);
    agent.close();
    await done;
    expect(stopped).toBe(true);
    expect(k.fromUdf.writableEnded).toBe(true);
  });

  test('close() before start(): start() settles instead of hanging, input is not read', async () => {
    const k = WirePeer.inMemory();
    let stopped = false;
    const agent = new Agent({
      input: k.toUdf,
      output: k.fromUdf,
      handler: (e) => mirror(e, { stop: () => void (stopped = true) }),
      logger: silentLogger,
    });
    agent.close();
    k.send(req.point(point()));
    await agent.start();
    expect(stopped).toBe(true);
    expect(k.responses).toEqual([]);
    const failed = new Agent({
      input: WirePeer.inMemory().toUdf,
      output: WirePeer.inMemory().fromUdf,
      handler: (e) => mirror(e),
      logger: silentLogger,
    });
    const reason = new Error('never mind');
    failed.close(reason);
    await expect(failed.start()).rejects.toBe(reason);
  });

  test('emits after the end are dropped with one warning, not thrown into a timer', async () => {
    const logger = captureLogger();
    const { k, agent, done } = setup(() => ({}), { logger });
    k.endInput();
    await done;
    expect(() => agent.point(point())).not.toThrow();
    expect(() => agent.point(point())).not.toThrow();
    expect(logger.lines.filter((l) => l.level === 'warn').length).toBe(1);
  });
});
