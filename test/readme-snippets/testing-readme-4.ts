// packages/testing/README.md: builders.
import { batch, fromDate, ns, point } from '@kapacitor-udf/testing';

point({ name: 'cpu', time: '2024-01-01T00:00:00.5Z', tags: { host: 'a' }, dimensions: ['host'],
        fields: { usage: 1.5, count: 2n, state: 'ok', up: true } })
batch({ name: 'cpu', tags: { host: 'a' }, points: [{ time: 1n, fields: { v: 1 } }], tmax: 10n })
ns('2024-01-01T00:00:00Z')   // 1704067200000000000n (keeps up to 9 fraction digits)
fromDate(new Date())          // bigint ns
