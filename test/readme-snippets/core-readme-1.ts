// packages/core/README.md: the Agent.
import type { Emitter, Handler } from '@kapacitor-udf/core';

import { Agent, createLogger } from '@kapacitor-udf/core';

const agent = new Agent({
  input: process.stdin,
  output: process.stdout,
  handler: (emitter) => new MyHandler(emitter),   // or a Handler object
  maxMessageSize: 64 * 1024 * 1024,                // default
  handlerTimeoutMs: 0,                             // default: no limit
  logger: createLogger({ level: 'info' }),         // default: JSON lines on stderr
});
await agent.start();   // resolves on a clean end, rejects with the error that ended it

// The user's Handler class the snippet constructs.
declare const MyHandler: new (emitter: Emitter) => Handler;
