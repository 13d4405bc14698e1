'use strict';
// A stand-in for InfluxDB 1.x's HTTP API, so Kapacitor's `record batch` and
// `record query` run their real code (query over HTTP, results turned into
// batches by edge.ResultToBufferedBatches, written as a .brpl by Kapacitor's
// own archiver) without an InfluxDB here. It answers /ping and /query: a
// SELECT gets the series `seriesFor(query)` returns; anything else (SHOW ...,
// CREATE ...) an empty result. The same server collects what a task's
// httpPost node sends (any other path): every point or batch, in order.

const http = require('node:http');

/** Times of the query's `time >= '...'` and `time < '...'` bounds (ms), when it has them. */
function timeBounds(query) {
  const lower = /time\s*>=?\s*'([^']+)'/i.exec(query);
  const upper = /time\s*<=?\s*'([^']+)'/i.exec(query);
  return { from: lower ? Date.parse(lower[1]) : -Infinity, to: upper ? Date.parse(upper[1]) : Infinity };
}

async function startFakeInfluxdb({ seriesFor }) {
  const queries = [];
  const posts = new Map(); // path -> [body JSON]
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (url.pathname === '/ping') {
        res.writeHead(204, { 'X-Influxdb-Version': '1.8.10' });
        res.end();
        return;
      }
      if (url.pathname === '/query') {
        const q = url.searchParams.get('q') ?? new URLSearchParams(body).get('q') ?? '';
        queries.push(q);
        const series = /^\s*select\b/i.test(q) ? seriesFor(q, timeBounds(q)) : undefined;
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Influxdb-Version': '1.8.10' });
        res.end(JSON.stringify({ results: [series ? { statement_id: 0, series } : { statement_id: 0 }] }));
        return;
      }
      const list = posts.get(url.pathname) ?? [];
      try {
        list.push(JSON.parse(body));
      } catch {
        list.push({ unparsable: body });
      }
      posts.set(url.pathname, list);
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    /** Bodies POSTed to `path` so far (each a models.Result: { series: [row] }). */
    posted: (path) => posts.get(path) ?? [],
    clear: (path) => posts.delete(path),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startFakeInfluxdb };
