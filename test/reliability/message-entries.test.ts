/**
 * One connection sends huge maps (issue 20, item 2): a point at the
 * maxMessageEntries limit is served, a 60 MB point of 4 million tags (under
 * maxMessageSize) is refused with an ErrorResponse naming the flag, long
 * before its end, and a bystander task on the same socket server (a process
 * of its own, sending a keepalive every 50 ms) has every keepalive answered
 * and its point served afterwards. Before the limit, such a point held the
 * server's only thread for over a minute on a loaded machine.
 *
 * Work is shown by where the refusal happened (the error's byte offset),
 * not by timing; the bystander's worst wait is printed for the record.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_MAX_MESSAGE_ENTRIES } from '@kapacitor-udf/core';
import { FIXTURES, requireBuilt } from './helpers/paths';
import { init, uvarint } from './helpers/points';
import { startSocketServer } from './helpers/socket-server';
import { sleep, withTimeout } from './helpers/udf-run';

beforeAll(() => requireBuilt());

/** Bytes of one tag entry on the wire: 0x3a 0x0d, then {0x0a 0x08 key(8) 0x12 0x01 "v"}. */
const TAG_BYTES = 15;

/**
 * A Request holding one point named "cpu" with `n` tags k0000000.. (value
 * "v"), in a shuffled order when `shuffled`, framed with its length prefix.
 * Its entries: the Request's point field, the name, and n tags.
 */
function tagsPointFrame(n: number, shuffled: boolean): Buffer {
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffled) {
    let s = 0x9e3779b9 | 0;
    for (let i = n - 1; i > 0; i--) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const j = (s >>> 0) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const bodyLen = 5 + n * TAG_BYTES;
  const point = Buffer.alloc(bodyLen);
  point.set([0x12, 3, 0x63, 0x70, 0x75], 0); // name: "cpu"
  let p = 5;
  for (const i of order) {
    point.set([0x3a, 13, 0x0a, 8], p);
    point.write(`k${String(i).padStart(7, '0')}`, p + 4, 'latin1');
    point.set([0x12, 1, 0x76], p + 12);
    p += TAG_BYTES;
  }
  const request = Buffer.concat([Buffer.from([0x8a, 0x01, ...uvarint(bodyLen)]), point]);
  return Buffer.concat([Buffer.from(uvarint(request.length)), request]);
}

test('a point at maxMessageEntries is served, a 60 MB point of 4M tags is refused early; a bystander keeps its keepalives', async () => {
  const server = await startSocketServer();
  const bystander = spawn(process.execPath, [path.join(FIXTURES, 'keepalive-bystander.js'), server.socketPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let report = '';
  let bystanderLog = '';
  bystander.stdout!.on('data', (c: Buffer) => (report += c.toString('utf8')));
  bystander.stderr!.on('data', (c: Buffer) => (bystanderLog += c.toString('utf8')));
  const bystanderExit = new Promise<number | null>((resolve) => bystander.on('close', resolve));
  try {
    const { peer } = await server.connect();
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'Init');
    await sleep(300);

    // At the limit: the Request's point field, the name and 65,534 tags.
    const atLimit = DEFAULT_MAX_MESSAGE_ENTRIES - 2;
    const near = tagsPointFrame(atLimit, true);
    peer.sendRaw(near);
    await peer.until(() => peer.count('point') === 1, 'the point at the limit, mirrored', 120_000);
    const tags = Object.keys(peer.of('point')[0].tags);
    expect(tags).toHaveLength(atLimit);
    expect(tags[0]).toBe('k0000000');
    expect(tags[atLimit - 1]).toBe(`k${String(atLimit - 1).padStart(7, '0')}`);

    // Over it: 4,000,000 tags, 60 MB (under the 64 MiB maxMessageSize).
    const sentBefore = near.length + 64; // the Init frame is well under 64 bytes
    const over = tagsPointFrame(4_000_000, false);
    expect(over.length).toBeGreaterThan(60_000_000);
    peer.sendRaw(over);
    await peer.until(() => peer.count('error') === 1, 'the ErrorResponse', 120_000);
    const error = peer.of('error')[0].error;
    expect(error).toContain(`more than ${DEFAULT_MAX_MESSAGE_ENTRIES} entries`);
    expect(error).toContain('--max-message-entries');
    // Refused right after the tag of the first entry over the limit, about
    // 1 MB into 60 MB: the rest was never decoded (nor any of it encoded).
    // Offsets are in the input; the request's starts after its length prefix.
    const refusedAt = Number(/refused at byte (\d+)/.exec(error)?.[1]);
    const requestStart = Number(/request at byte (\d+)/.exec(error)?.[1]);
    expect(requestStart).toBeGreaterThan(near.length);
    expect(requestStart).toBeLessThan(sentBefore);
    const pointHead = 2 + uvarint(over.length).length; // 0x8a 0x01, the point's length (as long as the frame's)
    const firstOver = pointHead + 5 + (DEFAULT_MAX_MESSAGE_ENTRIES - 2) * TAG_BYTES;
    expect(refusedAt - requestStart).toBe(firstOver + 1);
    await peer.closed(60_000);
    expect(peer.count('point')).toBe(1);

    await sleep(300);
    bystander.stdin!.end();
    expect(await withTimeout(bystanderExit, 180_000, () => `the bystander did not finish:\n${bystanderLog}`)).toBe(0);
    const { sent, answered, worstMs, pointEchoed } = JSON.parse(report) as {
      sent: number;
      answered: number;
      worstMs: number;
      pointEchoed: boolean;
    };
    expect(sent).toBeGreaterThan(10);
    expect(answered).toBe(sent);
    expect(pointEchoed).toBe(true);
    expect(server.child.exitCode).toBeNull();
    expect(server.log()).toContain('ERR_TOO_MANY_ENTRIES');
    // For the record (not asserted: no timing assertions in tests).
    process.stdout.write(
      `bystander keepalives while one connection sent ${atLimit} tags, then 4M tags: ${answered}/${sent} answered, worst wait ${worstMs.toFixed(0)} ms\n`,
    );
  } finally {
    bystander.kill('SIGKILL');
    expect(await server.stop()).toBe(0);
  }
}, 300_000);

test('--max-message-entries is applied in worker threads too (--workers 1)', async () => {
  const server = await startSocketServer({ args: ['--workers', '1', '--max-message-entries', '1000'] });
  try {
    const { peer } = await server.connect();
    peer.send(init());
    await peer.until(() => peer.count('init') === 1, 'Init');
    peer.sendRaw(tagsPointFrame(998, true)); // 1000 entries with the point field and the name
    await peer.until(() => peer.count('point') === 1, 'the point at the limit, mirrored', 30_000);
    expect(Object.keys(peer.of('point')[0].tags)).toHaveLength(998);
    peer.sendRaw(tagsPointFrame(999, true));
    await peer.until(() => peer.count('error') === 1, 'the ErrorResponse', 30_000);
    expect(peer.of('error')[0].error).toMatch(/more than 1000 entries .*raise --max-message-entries/);
    await peer.closed(30_000);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 60_000);
