/**
 * Init with bad options, as a TICKscript (or a broken client) can send them,
 * to the built udf-run over a socket: each gets InitResponse{success:false}
 * with a readable error naming the option and the problem; nothing crashes,
 * the connection still answers, and other connections are unaffected.
 */
import type { Socket } from 'node:net';
import { type Option, type OptionValue, ValueType } from '@kapacitor-udf/core';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, keepalive, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import type { WirePeer } from './helpers/udf-run';

const str = (v: string): OptionValue => ({ type: ValueType.STRING, value: { $case: 'stringValue', value: v } });
const int = (v: bigint): OptionValue => ({ type: ValueType.INT, value: { $case: 'intValue', value: v } });
const dbl = (v: number): OptionValue => ({ type: ValueType.DOUBLE, value: { $case: 'doubleValue', value: v } });
const dur = (v: bigint): OptionValue => ({ type: ValueType.DURATION, value: { $case: 'durationValue', value: v } });
const bool = (v: boolean): OptionValue => ({ type: ValueType.BOOL, value: { $case: 'boolValue', value: v } });
/** What Kapacitor sends for a non-literal argument (a field reference, a lambda): type BOOL, no value. */
const unset = (): OptionValue => ({ type: ValueType.BOOL, value: undefined });
const opt = (name: string, ...values: OptionValue[]): Option => ({ name, values });

const HUGE = 'h'.repeat(4 * 1024 * 1024);
/** A readable error: short enough for a log line, never an echo of a huge input. */
const READABLE_MAX = 4096;

interface Case {
  name: string;
  options: Option[];
  /** Every pattern must appear in InitResponse.error. */
  error: RegExp[];
}

const REQUIRED = opt('field', str('value'));

const CASES: Case[] = [
  {
    name: 'a value with no value set (a field reference in TICKscript) for a string option',
    options: [opt('field', unset())],
    error: [/field/],
  },
  { name: 'a value with no value set for an int option', options: [REQUIRED, opt('size', unset())], error: [/size/] },
  { name: 'a string where an int is declared', options: [REQUIRED, opt('size', str('10'))], error: [/size/, /int/i] },
  {
    name: 'an int where a double is declared (TICKscript does not coerce)',
    options: [REQUIRED, opt('scale', int(2n))],
    error: [/scale/, /double/i],
  },
  { name: 'a double where a duration is declared', options: [REQUIRED, opt('period', dbl(10))], error: [/period/, /duration/i] },
  { name: 'a bool where a string is declared', options: [opt('field', bool(true))], error: [/field/, /string/i] },
  { name: 'too many values', options: [REQUIRED, opt('size', int(1n), int(2n))], error: [/size/, /1/, /2/] },
  { name: 'too few values', options: [REQUIRED, opt('pair', str('name'))], error: [/pair/, /2/] },
  { name: 'a value for a flag', options: [REQUIRED, opt('enabled', bool(true))], error: [/enabled/] },
  { name: 'an unknown option', options: [REQUIRED, opt('nosuch', int(1n))], error: [/nosuch/] },
  { name: 'a required option missing', options: [], error: [/field/, /required|missing/i] },
  { name: 'a single-value option given twice', options: [REQUIRED, opt('size', int(1n)), opt('size', int(2n))], error: [/size/] },
  {
    name: 'an unknown option with a 4 MiB name',
    options: [REQUIRED, opt(HUGE, int(1n))],
    error: [/unknown|not declared|no option|does not/i],
  },
  { name: 'a 4 MiB string where a double is declared', options: [REQUIRED, opt('scale', str(HUGE))], error: [/scale/, /double/i] },
  {
    name: 'several problems at once: one line each',
    options: [opt('size', str('x')), opt('nosuch'), opt('scale', int(1n))],
    error: [/size/, /nosuch/, /scale/, /field/],
  },
];

beforeAll(() => requireBuilt());

describe('bad Init options (udf-run options fixture over a socket)', () => {
  let server: SocketUdfServer;
  let other: { peer: WirePeer; socket: Socket };

  beforeAll(async () => {
    server = await startSocketServer({ name: 'options', module: FIXTURE_UDFS });
    other = await server.connect();
    other.peer.send(init([opt('field', str('ok'))]));
    await other.peer.until(() => other.peer.count('init') === 1, 'Init of the other connection');
    expect(other.peer.of('init')[0]).toEqual({ success: true, error: '' });
  });

  afterAll(async () => {
    other?.socket.destroy();
    if (server) expect(await server.stop()).toBe(0);
  });

  for (const c of CASES) {
    test(`${c.name}: a readable Init failure, no crash`, async () => {
      const { peer, socket } = await server.connect();
      try {
        peer.send(init(c.options));
        peer.send(keepalive(7n));
        await peer.until(() => peer.count('init') === 1 && peer.count('keepalive') === 1, 'the InitResponse and the keepalive');
        const [response] = peer.of('init');
        expect(response.success).toBe(false);
        for (const pattern of c.error) expect(response.error).toMatch(pattern);
        if (response.error.length >= READABLE_MAX) {
          throw new Error(
            `InitResponse.error is ${response.error.length} characters long (should stay under ${READABLE_MAX}); it starts: ${response.error.slice(0, 200)}`,
          );
        }
        expect(peer.count('error')).toBe(0);
        // Kapacitor would now stop the task: EOF, and a clean close.
        peer.endInput();
        await peer.closed();
        expect(peer.count('error')).toBe(0);
      } finally {
        socket.destroy();
      }
      // The server and the other connection are untouched.
      const before = other.peer.count('point');
      other.peer.point(makePoint(before));
      await other.peer.until(() => other.peer.count('point') === before + 1, `point ${before} on the other connection`);
      expect(server.child.exitCode).toBeNull();
    });
  }

  test('valid options of every type, a huge string included, succeed', async () => {
    const { peer, socket } = await server.connect();
    try {
      peer.send(
        init([
          opt('field', str(HUGE)),
          opt('size', int(2n ** 63n - 1n)),
          opt('scale', dbl(-Infinity)),
          opt('period', dur(-(2n ** 63n))),
          opt('enabled'),
          opt('tag', str('a')),
          opt('tag', str('')),
          opt('pair', str('x'), dbl(NaN)),
        ]),
      );
      await peer.until(() => peer.count('init') === 1, 'the InitResponse');
      expect(peer.of('init')[0]).toEqual({ success: true, error: '' });
      peer.endInput();
      await peer.closed();
    } finally {
      socket.destroy();
    }
  });
});
