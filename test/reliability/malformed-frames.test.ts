/**
 * Malformed input on the wire, against the built udf-run (mirror): each bad
 * frame gets one ErrorResponse naming the problem, after every response owed
 * for the requests before it, and that conversation (only) ends. The zero-
 * length frame is the exception: it is a valid empty Request, ignored with a
 * logged warning.
 */
import type { Socket } from 'node:net';
import { encodeFrame, encodeRequest } from '@kapacitor-udf/core';
import { requireBuilt } from './helpers/paths';
import { init, keepalive, makePoint, uvarint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import { spawnUdfRun, summarize, type WirePeer } from './helpers/udf-run';

const MAX = 1024; // --max-message-size for these runs: small, so "over the limit" is cheap

interface Case {
  name: string;
  /** Bytes sent after a valid Init and one point. */
  bytes: number[];
  /** Close our side after the bytes (the problem is only visible at EOF). */
  thenEof: boolean;
  /** What the ErrorResponse must say. */
  error: RegExp;
}

const pointFrame = (body: number[]): number[] => [...uvarint(body.length), ...body];

const CASES: Case[] = [
  {
    name: 'truncated varint (input ends inside the length prefix)',
    bytes: [0x80, 0x80],
    thenEof: true,
    error: /inside the length prefix/,
  },
  {
    name: 'varint longer than 10 bytes',
    bytes: new Array(11).fill(0xff),
    thenEof: false,
    error: /longer than 10 bytes/,
  },
  {
    name: 'declared length over the limit (refused before the body arrives)',
    bytes: [...uvarint(MAX + 1), 0x8a, 0x01],
    thenEof: false,
    error: new RegExp(`declares a ${MAX + 1}-byte message, more than maxMessageSize \\(${MAX} bytes\\)`),
  },
  {
    name: 'body that is not a valid Request (field longer than the message)',
    bytes: pointFrame([0x0a, 0x05, 0x01]),
    thenEof: false,
    error: /invalid request at byte \d+ of the input/,
  },
  {
    name: 'wrong wire type for a Request field (point as a varint)',
    bytes: pointFrame([0x88, 0x01, 0x05]),
    thenEof: false,
    error: /wire type/,
  },
  {
    name: 'wrong wire type inside a Point (time as bytes)',
    bytes: pointFrame([0x8a, 0x01, 0x03, 0x0a, 0x01, 0x00]),
    thenEof: false,
    error: /wire type/,
  },
  {
    name: 'invalid UTF-8 in a short string (Point.name 0xff 0xfe)',
    bytes: pointFrame([0x8a, 0x01, 0x04, 0x12, 0x02, 0xff, 0xfe]),
    thenEof: false,
    error: /invalid request at byte \d+ of the input: .*invalid UTF-8 in a string \(byte 0xff\)/,
  },
  {
    name: 'invalid UTF-8 in a long string (a tag value of 50 bytes ending in 0xc3 0x28)',
    bytes: pointFrame([0x8a, 0x01, 58, 0x3a, 56, 0x0a, 0x02, 0x68, 0x6f, 0x12, 50, ...new Array(48).fill(0x61), 0xc3, 0x28]),
    thenEof: false,
    error: /invalid UTF-8 in a string \(byte 0xc3\)/,
  },
  {
    name: 'groups nested 500 deep in an unknown field',
    bytes: pointFrame([...new Array(500).fill(0x7b), ...new Array(500).fill(0x7c)]),
    thenEof: false,
    error: /invalid request at byte \d+ of the input: .*groups nested deeper than 100/,
  },
  {
    name: 'EOF in the middle of a body',
    bytes: [...uvarint(10), 0x8a, 0x01, 0x00],
    thenEof: true,
    error: /declares 10 bytes of message but only 3 arrived/,
  },
];

/** Init + one point, then the bad bytes; checks the answer. */
async function sendCase(peer: WirePeer, c: Case): Promise<void> {
  peer.send(init());
  peer.point(makePoint(1));
  await peer.until(() => peer.count('point') === 1, 'the mirrored point');
  peer.sendRaw(Uint8Array.from(c.bytes));
  if (c.thenEof) peer.endInput();
  await peer.closed();
  expect(peer.outputError).toBeUndefined();
  const kinds = peer.responses.map((r) => r.message?.$case);
  expect(kinds).toEqual(['init', 'point', 'error']);
  const [error] = peer.of('error');
  expect(error.error).toMatch(c.error);
}

beforeAll(() => requireBuilt());

describe('malformed frames to a process UDF (udf-run mirror over stdio)', () => {
  // Every case over the socket below; over stdio (a process per case, slow
  // to start) the ones whose ending differs: at EOF, before the body, mid-stream.
  const STDIO_CASES = CASES.filter((c) =>
    /truncated varint|over the limit|not a valid Request|EOF in the middle|short string/.test(c.name),
  );

  test('groups nested 50,000 deep: a ProtocolError with its offset, not a stack overflow', async () => {
    const udf = spawnUdfRun();
    try {
      await sendCase(udf.peer, {
        name: '50,000 nested groups',
        bytes: pointFrame([...new Array(50_000).fill(0x7b), ...new Array(50_000).fill(0x7c)]),
        thenEof: false,
        error: /invalid request at byte \d+ of the input: .*groups nested deeper than 100/,
      });
      expect(await udf.exited()).toBe(1);
      expect(udf.stderr()).not.toMatch(/Maximum call stack/);
    } finally {
      udf.kill();
    }
  });

  test.each(STDIO_CASES.map((c) => [c.name, c] as const))(
    '%s: one ErrorResponse naming it, then exit 1 with a log line',
    async (_name, c) => {
      const udf = spawnUdfRun({ args: ['--max-message-size', String(MAX)] });
      try {
        await sendCase(udf.peer, c);
        expect(await udf.exited()).toBe(1);
        expect(udf.stderr()).toMatch(c.error);
      } finally {
        udf.kill();
      }
    },
  );

  test('zero-length frame (an empty Request): ignored with a logged warning, the conversation stays healthy', async () => {
    const udf = spawnUdfRun({ args: ['--max-message-size', String(MAX)] });
    try {
      const { peer } = udf;
      peer.send(init());
      peer.sendRaw(Uint8Array.of(0x00));
      peer.send(keepalive(42n));
      peer.point(makePoint(7));
      peer.sendRaw(Uint8Array.of(0x00, 0x00));
      peer.point(makePoint(8));
      await peer.until(() => peer.count('point') === 2, 'both points mirrored');
      peer.endInput();
      await peer.closed();
      expect(await udf.exited()).toBe(0);
      // A keepalive is answered at once, even while Init is still being handled.
      expect(peer.responses.map((r) => r.message?.$case).sort()).toEqual(['init', 'keepalive', 'point', 'point']);
      expect(peer.of('keepalive')[0].time).toBe(42n);
      expect(peer.of('point')).toEqual([makePoint(7), makePoint(8)]);
      expect(udf.stderr()).toMatch(/ignoring a request with no known message/);
    } finally {
      udf.kill();
    }
  });
});

describe('malformed frames to a socket UDF: only the bad connection ends', () => {
  let server: SocketUdfServer;
  let healthy: { peer: WirePeer; socket: Socket };
  let seq = 100;

  beforeAll(async () => {
    server = await startSocketServer({ args: ['--max-message-size', String(MAX)] });
    healthy = await server.connect();
    healthy.peer.send(init());
    await healthy.peer.until(() => healthy.peer.count('init') === 1, 'Init on the healthy connection');
  });

  afterAll(async () => {
    healthy?.socket.destroy();
    await server?.stop();
  });

  /** The long-lived connection still mirrors and answers keepalives. */
  async function expectHealthyStillWorks(): Promise<void> {
    const { peer } = healthy;
    const n = ++seq;
    const before = peer.count('point');
    peer.send(keepalive(BigInt(n)));
    peer.point(makePoint(n));
    await peer.until(() => peer.count('point') === before + 1, `point ${n} on the healthy connection`);
    expect(peer.ended).toBe(false);
    expect(peer.of('point').at(-1)).toEqual(makePoint(n));
    expect(peer.of('keepalive').at(-1)?.time).toBe(BigInt(n));
  }

  for (const c of CASES) {
    test(`${c.name}: ErrorResponse and close on that connection, the others unaffected`, async () => {
      const { peer, socket } = await server.connect();
      try {
        await sendCase(peer, c);
      } finally {
        socket.destroy();
      }
      await expectHealthyStillWorks();
      expect(server.child.exitCode).toBeNull();
    });
  }

  test('zero-length frame (an empty Request): ignored with a logged warning, the connection keeps working', async () => {
    const { peer, socket } = await server.connect();
    try {
      peer.send(init());
      peer.sendRaw(Uint8Array.of(0x00));
      peer.point(makePoint(3));
      await peer.until(() => peer.count('point') === 1, 'the point after the empty frame');
      peer.endInput();
      await peer.closed();
      expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'point']);
    } finally {
      socket.destroy();
    }
    expect(server.log()).toMatch(/ignoring a request with no known message/);
    await expectHealthyStillWorks();
  });

  test('an HTTP request instead of frames (no Init), then a half-close: ErrorResponse, the server keeps accepting', async () => {
    const { peer, socket } = await server.connect();
    try {
      // 'G' (71) reads as a 71-byte frame: the decoder waits for the rest,
      // which never comes.
      peer.sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      peer.endInput();
      await peer.closed();
      expect(peer.responses.map((r) => r.message?.$case)).toEqual(['error']);
      expect(summarize(peer.responses)).toMatch(/declares 71 bytes of message but only 26 arrived/);
    } finally {
      socket.destroy();
    }
    await expectHealthyStillWorks();
  });
});

// Keep the frame helpers honest: a valid frame built the same way decodes.
test('the frame helper builds frames the UDF accepts', () => {
  const body = encodeRequest({ message: keepalive(1n) });
  expect(Array.from(encodeFrame(body))).toEqual(pointFrame(Array.from(body)));
});
