// packages/transports/README.md: a socket UDF.
import { serveSocket } from '@kapacitor-udf/transports';
import { Mirror } from './mirror';

const server = await serveSocket(Mirror, { path: '/tmp/mirror.sock' });
await server.done; // resolves after SIGINT/SIGTERM or server.close()
