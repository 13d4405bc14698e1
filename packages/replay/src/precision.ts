import { ReplayError } from './errors';

/** Units of line-protocol timestamps, as InfluxDB's `precision` parameter names them. */
export type Precision = 'ns' | 'us' | 'ms' | 's';

export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's'];

const NS_PER: Readonly<Record<Precision, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** Nanoseconds in one unit of `precision`. */
export function nsPerUnit(precision: Precision): bigint {
  const ns = NS_PER[precision];
  if (ns === undefined) {
    throw new ReplayError('ERR_REPLAY_SETTING', `precision must be one of ${PRECISIONS.join(', ')}, got ${JSON.stringify(precision)}`);
  }
  return ns;
}
