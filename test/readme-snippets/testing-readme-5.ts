// packages/testing/README.md: the Kapacitor side by hand.
import type { Point } from '@kapacitor-udf/core';

declare const packageDir: string;
declare const cwd: string;
declare const p: Point;

import { KapacitorClient, spawnUdf, spawnSocketUdf, formatRequest, formatResponse } from '@kapacitor-udf/testing';

const udf = spawnUdf('movingAvg', { cwd: packageDir });            // udf-run movingAvg over stdin/stdout
const info = await udf.info();
await udf.init({ field: 'value', size: 10n });
udf.point(p);                                                       // sent, not awaited (like Kapacitor)
const bytes = await udf.snapshot();
const flushed = await udf.close();                                  // EOF, wait for exit

const server = await spawnSocketUdf('mirror', '/tmp/mirror.sock', { cwd }); // udf-run mirror --socket ...
const startup = await server.connect();                             // like kapacitord at startup
const info2 = await startup.info(); await startup.close();
const task = await server.connect({ info: info2, onTraffic: (t) => console.log(t.direction, t.message) });
// ...
await server.stop();                                                // SIGTERM

export { KapacitorClient, formatRequest, formatResponse, info, bytes, flushed, task };
