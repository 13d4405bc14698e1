/**
 * @kapacitor-udf/core/internal: what the other kapacitor-udf packages share
 * with core and a UDF author never needs. It is not the public API (the
 * package index is): names here may change in any release, in step with the
 * packages that import them (they are released together, same version).
 * docs/architecture.md ("Public and internal API") says who may import it.
 */

export { closest } from './closest';
export { DURATION_UNIT_NS, parseDurationLiteral } from './duration-literal';
export { describeError } from './errors';
export { compareUtf8, setOwn, sortedKeys } from './map-keys';
export { nameOption } from './option-names';
export { isThenable } from './thenable';
