/**
 * Data, Snapshot and Restore are only handled after a successful Init: after
 * a refused Init (or before any), they get an ErrorResponse and the handler
 * is never called with rejected option values. Restore refuses @State values
 * whose types differ from what was snapshotted. Each over a real socket with
 * udf-run movingAvg, next to a second connection that must keep working.
 */
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { serialize } from 'node:v8';
import { type Option, type OptionValue, type Request, ValueType } from '@kapacitor-udf/core';
import { ROOT, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import type { WirePeer } from './helpers/udf-run';

const MOVING_AVG_DIR = path.join(ROOT, 'examples', 'moving-avg');
const str = (v: string): OptionValue => ({ type: ValueType.STRING, value: { $case: 'stringValue', value: v } });
const int = (v: bigint): OptionValue => ({ type: ValueType.INT, value: { $case: 'intValue', value: v } });
const options = (size: bigint): Option[] => [
  { name: 'field', values: [str('value')] },
  { name: 'size', values: [int(size)] },
];

beforeAll(() => requireBuilt());

let server: SocketUdfServer;
beforeAll(async () => {
  server = await startSocketServer({ name: 'movingAvg', cwd: MOVING_AVG_DIR });
});
afterAll(async () => {
  await server?.stop();
});

async function conversation(run: (peer: WirePeer) => Promise<void>): Promise<WirePeer> {
  const { peer, socket } = await server.connect();
  try {
    await run(peer);
    await peer.closed(10_000);
  } finally {
    (socket as Socket).destroy();
  }
  expect(peer.outputError).toBeUndefined();
  return peer;
}

/** A second task on the same server still gets its averages. */
async function anotherTaskWorks(): Promise<void> {
  const peer = await conversation(async (p) => {
    p.send(init(options(2n)));
    p.point(makePoint(1));
    p.point(makePoint(2));
    await p.until(() => p.count('point') === 2, 'two averages');
    p.endInput();
  });
  expect(peer.of('init')[0].success).toBe(true);
  expect(peer.count('error')).toBe(0);
  expect(server.child.exitCode).toBeNull();
}

test.each<[string, Request['message'][]]>([
  ['a point after Init was refused (size -5)', [init(options(-5n)), { $case: 'point', value: makePoint(1) }]],
  ['a point before any Init', [{ $case: 'point', value: makePoint(1) }]],
  ['a Snapshot after Init was refused', [init(options(-5n)), { $case: 'snapshot', value: {} }]],
  ['a Restore before any Init', [{ $case: 'restore', value: { snapshot: Buffer.alloc(0) } }]],
])('%s: an ErrorResponse, the handler is not called, the server goes on', async (_what, messages) => {
  const peer = await conversation(async (p) => {
    for (const m of messages) p.send(m);
    await p.until(() => p.count('error') === 1, 'the ErrorResponse');
  });
  const kinds = peer.responses.map((r) => r.message?.$case);
  expect(kinds[kinds.length - 1]).toBe('error');
  expect(kinds.filter((k) => k !== 'init' && k !== 'error')).toEqual([]);
  if (messages[0]?.$case === 'init') expect(peer.of('init')[0].success).toBe(false);
  expect(peer.of('error')[0].error).toMatch(/movingAvg.*(Init was refused|before Init)/);
  await anotherTaskWorks();
});

/** The envelope @State snapshots use, with chosen values (what a corrupt or foreign snapshot could hold). */
function envelope(values: Record<string, unknown>, extra: Record<string, unknown> = {}): Buffer {
  return serialize({ format: 'kapacitor-udf/state', formatVersion: 1, udf: 'movingAvg', stateVersion: 2, values, ...extra });
}

const sparse = (): number[] => {
  const a: number[] = [];
  a.length = 1e9;
  return a;
};

test.each<[string, Buffer]>([
  ['a window that is a sparse array of length 1e9', envelope({ windows: new Map([['', sparse()]]) })],
  ['windows as a plain object where a Map was snapshotted', envelope({ windows: { '': [1] } })],
  [
    'a window of strings where numbers were snapshotted',
    envelope({ windows: new Map([['', ['x']]]) }, { types: { windows: 'Map<string,Array<number>>' } }),
  ],
])('a Restore with %s is refused; the task and the server go on', async (_what, snapshot) => {
  const peer = await conversation(async (p) => {
    p.send(init(options(3n)));
    p.send({ $case: 'restore', value: { snapshot } });
    await p.until(() => p.count('restore') === 1, 'the RestoreResponse');
    p.point(makePoint(1));
    await p.until(() => p.count('point') === 1, 'an average');
    p.endInput();
  });
  const restore = peer.of('restore')[0];
  expect(restore.success).toBe(false);
  expect(restore.error).toMatch(/windows/);
  expect(peer.of('point')[0].fieldsDouble).toEqual({ avg: makePoint(1).fieldsDouble.value });
  await anotherTaskWorks();
});

test('a snapshot restores into a fresh task (the type check accepts what was snapshotted)', async () => {
  let snapshot = Buffer.alloc(0);
  await conversation(async (p) => {
    p.send(init(options(3n)));
    p.point(makePoint(3));
    p.point(makePoint(6));
    p.send({ $case: 'snapshot', value: {} });
    await p.until(() => p.count('snapshot') === 1, 'the snapshot');
    snapshot = Buffer.from(p.of('snapshot')[0].snapshot);
    p.endInput();
  });
  const peer = await conversation(async (p) => {
    p.send(init(options(3n)));
    p.send({ $case: 'restore', value: { snapshot } });
    p.point(makePoint(9));
    await p.until(() => p.count('point') === 1, 'an average');
    p.endInput();
  });
  expect(peer.of('restore')[0]).toEqual({ success: true, error: '' });
  // The window restored [1, 2] (points 3 and 6 have value seq / 3); point 9 adds 3.
  expect(peer.of('point')[0].fieldsDouble.avg).toBe(2);
});
