// packages/transports/README.md: worker threads (the class body is left out,
// as in the README; only the types are checked here).
import { Udf } from '@kapacitor-udf/decorators';
import { serveSocket } from '@kapacitor-udf/transports';

// heavy.ts (compiled to heavy.js)
@Udf({ wants: 'stream', provides: 'stream' })
export class HeavyScore { /* ... */ }

if (require.main === module) {
  void serveSocket(HeavyScore, { path: '/tmp/heavy.sock', workers: 4, module: __filename, exportName: 'HeavyScore' });
}
