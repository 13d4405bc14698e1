/**
 * Requests as Kapacitor sends them, for the core's tests: the testing kit's
 * builders (the kit's WirePeer is the Kapacitor side, see agent.test.ts),
 * with the IDs and shapes these tests were written with.
 */
import { kapacitorPoint, requests } from '@kapacitor-udf/testing';

/** The kit's Kapacitor-shaped point (cpu, telegraf/autogen, host=a, value=1.5, time 1.7e18 ns). */
export const point = kapacitorPoint;

export const req = {
  ...requests,
  init: () => requests.init([], { taskID: 't', nodeID: 'n' }),
  begin: (name: string) => requests.begin({ name }),
  end: (name: string) => requests.end({ name }),
};

export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
