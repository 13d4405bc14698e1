// packages/transports/README.md: a socket UDF.
import { serveSocket } from '@kapacitor-udf/transports';
import { Mirror } from './mirror';

const server = await serveSocket(Mirror, { path: '/tmp/mirror.sock' });
process.once('SIGTERM', () => void server.close());
await server.done; // resolves after server.close()
