// packages/transports/README.md: a process UDF's main.
// main.ts
import { serveStdio } from '@kapacitor-udf/transports';
import { MovingAvg } from './moving-avg';

const server = serveStdio(MovingAvg, { logLevel: 'info' });
process.once('SIGTERM', () => server.stop('received SIGTERM'));
server.done.then(
  () => process.exit(0), // input ended (or stopped), every response flushed
  () => process.exit(1), // a fatal error: the ErrorResponse was sent (or could not be)
);
