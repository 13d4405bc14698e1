import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@kapacitor-udf/core';
import { StatsRegistry } from '@kapacitor-udf/transports';
import { CliError } from '../src/errors';
import { type MetricsAddress, MetricsListener, parseMetricsAddress } from '../src/metrics-listener';
import { createMetricsRegistry } from '../src/metrics-registry';

function get(address: MetricsAddress, urlPath: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const target = address.kind === 'unix' ? { socketPath: address.path } : { host: address.host, port: address.port };
    http
      .get({ ...target, path: urlPath }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
      })
      .on('error', reject);
  });
}

describe('parseMetricsAddress', () => {
  it('takes loopback host:port and unix:PATH', () => {
    expect(parseMetricsAddress('127.0.0.1:9464')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9464 });
    expect(parseMetricsAddress('localhost:0')).toEqual({ kind: 'tcp', host: 'localhost', port: 0 });
    expect(parseMetricsAddress('[::1]:9464')).toEqual({ kind: 'tcp', host: '::1', port: 9464 });
    expect(parseMetricsAddress('unix:/run/x.sock')).toEqual({ kind: 'unix', path: '/run/x.sock' });
  });

  it.each([
    ['0.0.0.0:9464', /loopback/],
    ['10.1.2.3:9464', /loopback/],
    ['127.0.0.1', /host:port/],
    ['127.0.0.1:70000', /out of range/],
    ['unix:', /socket path/],
  ])('refuses %s with a usage error (exit 2)', (text, message) => {
    let error: unknown;
    try {
      parseMetricsAddress(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });
});

describe('metrics registry and listener', () => {
  it('serves per-connection families, server gauges and process metrics, and /ready until draining', async () => {
    const stats = new StatsRegistry();
    const c = stats.open(3, 'movingAvg');
    c.taskID = 'cpu_alert';
    c.nodeID = 'movingAvg2';
    c.pointsIn = 42;
    c.pointsOut = 40;
    c.countError('ERR_INVALID_RESULT');
    c.latency.observe(0.0002);
    const registry = createMetricsRegistry();
    const listener = await MetricsListener.start(
      { kind: 'tcp', host: '127.0.0.1', port: 0 },
      {
        contentType: registry.contentType,
        render: () =>
          registry.render({
            connections: stats.snapshots(),
            server: { openConnections: stats.openCount, connections: 1, partialFrameBytes: 12, workerRestarts: 0 },
          }),
      },
      silentLogger,
    );
    try {
      const address = listener.address;
      expect(address.kind === 'tcp' && address.port > 0).toBe(true);
      const metrics = await get(address, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.type).toContain('text/plain');
      const labels = 'udf="movingAvg",task="cpu_alert",node="movingAvg2",connection="3"';
      expect(metrics.body).toContain(`kapacitor_udf_points_received_total{${labels}} 42`);
      expect(metrics.body).toContain(`kapacitor_udf_points_emitted_total{${labels}} 40`);
      expect(metrics.body).toContain(`kapacitor_udf_errors_total{${labels},code="ERR_INVALID_RESULT"} 1`);
      expect(metrics.body).toContain(`kapacitor_udf_requests_total{${labels},kind="point"} 42`);
      expect(metrics.body).toContain(`kapacitor_udf_handler_duration_seconds_bucket{${labels},le="0.00025"} 1`);
      expect(metrics.body).toContain(`kapacitor_udf_handler_duration_seconds_bucket{${labels},le="0.0001"} 0`);
      expect(metrics.body).toContain(`kapacitor_udf_handler_duration_seconds_count{${labels}} 1`);
      expect(metrics.body).toContain('# TYPE kapacitor_udf_handler_duration_seconds histogram');
      expect(metrics.body).toContain('kapacitor_udf_open_connections 1');
      expect(metrics.body).toContain('kapacitor_udf_partial_frame_bytes 12');
      expect(metrics.body).toContain('kapacitor_udf_connections_total 1');
      expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(metrics.body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      expect(metrics.body).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+/m);

      expect(await get(address, '/ready')).toMatchObject({ status: 200, body: 'ready\n' });
      listener.setDraining();
      expect(await get(address, '/ready')).toMatchObject({ status: 503, body: 'draining\n' });
      expect((await get(address, '/other')).status).toBe(404);
    } finally {
      await listener.close();
    }
  });

  it('refuses a port in use and a live unix socket with an exit-2 error', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const source = { contentType: 'text/plain', render: async () => '' };
    try {
      await expect(MetricsListener.start({ kind: 'tcp', host: '127.0.0.1', port }, source, silentLogger)).rejects.toMatchObject({
        code: 'ERR_METRICS_LISTEN',
        exitCode: 2,
        message: expect.stringContaining('in use'),
      });
    } finally {
      taken.close();
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-'));
    const file = path.join(dir, 'm.sock');
    const first = await MetricsListener.start({ kind: 'unix', path: file }, source, silentLogger);
    try {
      expect((await get(first.address, '/ready')).status).toBe(200);
      await expect(MetricsListener.start({ kind: 'unix', path: file }, source, silentLogger)).rejects.toMatchObject({ exitCode: 2 });
    } finally {
      await first.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
