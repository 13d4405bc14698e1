import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from '@kapacitor-udf/core';
import type { UdfClass } from '@kapacitor-udf/decorators';
import { MemoryLogger, type WirePeer } from '@kapacitor-udf/testing';
import { type SocketOptions, type SocketServer, serveSocket } from '../../src/socket-server';

/**
 * The UDFs these tests serve, shared with test/integration (which runs them
 * through the built udf-run); worker threads load the file themselves.
 */
export const FIXTURE_UDFS = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'udfs', 'transport-udfs.ts');

export interface ServerFixture {
  /** This test's temporary directory (sockets go here). */
  readonly dir: string;
  /** This test's logger, given to every server it starts. */
  readonly logger: MemoryLogger;
  /** Starts a server in `dir`, logging to `logger`; it is closed after the test. */
  start(cls: UdfClass, options?: Partial<SocketOptions>): Promise<SocketServer>;
}

/**
 * The set-up every serveSocket test needs: a fresh directory and logger per
 * test, and every server it started closed (and the directory removed)
 * afterwards. Call at the top of a test file.
 */
export function serverFixture(prefix: string, socketName: (index: number) => string): ServerFixture {
  const servers: SocketServer[] = [];
  let dir = '';
  let logger = new MemoryLogger();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    logger = new MemoryLogger();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get logger() {
      return logger;
    },
    async start(cls, options = {}) {
      const server = await serveSocket(cls as never, {
        path: path.join(dir, socketName(servers.length)),
        logger,
        ...options,
      });
      servers.push(server);
      return server;
    },
  };
}

/** Like Kapacitor: read until the UDF ends its side, then close ours; resolves with every response. */
export async function untilClosed(peer: WirePeer): Promise<Response[]> {
  await peer.closed();
  peer.endInput();
  return peer.responses;
}
