// packages/transports/README.md: a process UDF's main.
// main.ts
import { serveStdio } from '@kapacitor-udf/transports';
import { MovingAvg } from './moving-avg';

serveStdio(MovingAvg, { logLevel: 'info' });
