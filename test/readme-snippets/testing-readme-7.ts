// packages/testing/README.md: the request builders for a WirePeer.
import { kapacitorPoint, requests, WirePeer } from '@kapacitor-udf/testing';

const peer = await WirePeer.connect('/tmp/udf.sock');
const bytes = new Uint8Array();

peer.send(requests.info(), requests.init([], { taskID: 'cpu_alert', nodeID: 'udf1' }));
peer.send(requests.point(kapacitorPoint({ time: 42n })), requests.keepalive(1n));
peer.send(requests.begin({ size: 2n }), requests.point(), requests.point(), requests.end());
peer.send(requests.snapshot()); // requests.restore(bytes)

void bytes;
