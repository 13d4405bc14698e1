/**
 * What handlers return: anything thenable is awaited (not emitted as an
 * empty point), and a result that is not a Point, a Batch or an array of
 * them fails the task with an ErrorResponse naming the handler and what was
 * wrong; nothing invalid is ever encoded. Over udf-run with fixture UDFs.
 */
import type { Socket } from 'node:net';
import type { BeginBatch, EndBatch, Point } from '@kapacitor-udf/core';
import { outputProblems } from './helpers/output-checks';
import { FIXTURE_UDFS, requireBuilt } from './helpers/paths';
import { init, makePoint } from './helpers/points';
import { type SocketUdfServer, startSocketServer } from './helpers/socket-server';
import type { WirePeer } from './helpers/udf-run';

const doing = (seq: number, what: string): Point => makePoint(seq, { fieldsString: { do: what } });

beforeAll(() => requireBuilt());

let results: SocketUdfServer;
let batchResults: SocketUdfServer;
beforeAll(async () => {
  [results, batchResults] = await Promise.all([
    startSocketServer({ name: 'results', module: FIXTURE_UDFS }),
    startSocketServer({ name: 'batchResults', module: FIXTURE_UDFS }),
  ]);
});
afterAll(async () => {
  await Promise.all([results?.stop(), batchResults?.stop()]);
});

async function conversation(server: SocketUdfServer, run: (peer: WirePeer) => void): Promise<WirePeer> {
  const { peer, socket } = await server.connect();
  try {
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'the InitResponse');
    run(peer);
    peer.endInput();
    await peer.closed();
  } finally {
    (socket as Socket).destroy();
  }
  expect(peer.outputError).toBeUndefined();
  return peer;
}

test('a thenable result is awaited: its point is emitted, in order', async () => {
  const peer = await conversation(results, (p) => {
    p.point(makePoint(1));
    p.point(doing(2, 'thenable'));
    p.point(makePoint(3));
  });
  expect(peer.of('error')).toEqual([]);
  expect(peer.of('point')).toEqual([makePoint(1), doing(2, 'thenable'), makePoint(3)]);
});

test('a rejecting thenable fails the task with its reason', async () => {
  const peer = await conversation(results, (p) => p.point(doing(1, 'thenable-reject')));
  expect(peer.of('point')).toEqual([]);
  expect(peer.of('error').map((e) => e.error)).toEqual([expect.stringMatching(/thenable rejected at 1700000000000000001/)]);
});

test.each([
  ['an empty object', 'empty-object', /Results\.point\(\).*returned an object without a bigint time/],
  ['a thenable resolving to an empty object', 'thenable-empty', /Results\.point\(\).*returned an object without a bigint time/],
  ['a string', 'string', /Results\.point\(\).*returned a string/],
  ['an array holding a number', 'array-bad', /Results\.point\(\).*returned an array whose item 1 is a number/],
])('a point handler returning %s: an ErrorResponse naming the handler, nothing of it encoded', async (_what, what, error) => {
  const peer = await conversation(results, (p) => {
    p.point(makePoint(1));
    p.point(doing(2, what));
    p.point(makePoint(3));
  });
  expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', 'point', 'error']);
  expect(peer.of('point')).toEqual([makePoint(1)]);
  expect(peer.of('error').map((e) => e.error)).toEqual([expect.stringMatching(error)]);
  expect(results.child.exitCode).toBeNull();
});

const begin: BeginBatch = { name: 'cpu', group: '', tags: {}, size: 1n, byName: false };
const end: EndBatch = { name: 'cpu', group: '', tmax: 5n, tags: {}, byName: false };

test.each([
  ['through a thenable: emitted whole', 'thenable', ['begin', 'point', 'end'], undefined],
  [
    'as { begin } without points or end: an ErrorResponse, no BeginBatch encoded',
    'bad-batch',
    ['error'],
    /BatchResults\.batch\(\).*returned an object that is neither a point nor a batch/,
  ],
])('an @OnBatch result %s', async (_what, what, kinds, error) => {
  const peer = await conversation(batchResults, (p) => {
    p.send({ $case: 'begin', value: begin });
    p.point(doing(1, what));
    p.send({ $case: 'end', value: end });
  });
  expect(peer.responses.map((r) => r.message?.$case)).toEqual(['init', ...kinds]);
  if (error) expect(peer.of('error')[0].error).toMatch(error);
  else expect(peer.of('point')).toEqual([doing(1, what)]);
  expect(outputProblems(peer.responses, 'batch')).toEqual([]);
});
