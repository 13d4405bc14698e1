/**
 * Many concurrent connections to one socket UDF (udf-run mirror), each
 * streaming points; some killed halfway, some sending a corrupt frame
 * halfway. Every other connection's output is complete and exact, the
 * corrupted ones get their ErrorResponse after every point sent before the
 * bad frame, and the server keeps running and ends every connection.
 * (The 200-connection version with memory checks: npm run test:stress.)
 */

import { roles, runLoad } from './helpers/load';
import { requireBuilt } from './helpers/paths';
import { startSocketServer } from './helpers/socket-server';
import { sleep, withTimeout } from './helpers/udf-run';

const CONNECTIONS = 24;
const POINTS = 400;

beforeAll(() => requireBuilt());

test(`${CONNECTIONS} concurrent connections, some killed and some corrupted: the others complete and exact`, async () => {
  const server = await startSocketServer({ name: 'mirror' });
  try {
    const list = roles(CONNECTIONS, 6, 6);
    expect(list.filter((r) => r === 'killed').length).toBeGreaterThan(0);
    expect(list.filter((r) => r === 'corrupted').length).toBeGreaterThan(0);
    const results = await runLoad(server.socketPath, list, POINTS);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
    expect(results.filter((r) => r.role === 'normal').every((r) => r.received === POINTS)).toBe(true);
    // Every connection is over on the server's side too.
    await withTimeout(
      (async () => {
        for (;;) {
          const log = server.log();
          const opened = (log.match(/"msg":"connection opened"/g) ?? []).length;
          const closed = (log.match(/"msg":"connection closed( after an error)?"/g) ?? []).length;
          if (opened === CONNECTIONS && closed === CONNECTIONS) return;
          await sleep(50);
        }
      })(),
      15_000,
      () => `the server did not close every connection:\n${server.log().slice(-3000)}`,
    );
    expect(server.child.exitCode).toBeNull();
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 60_000);
