export { Defaults } from './defaults';
export { DefaultsBatch } from './defaults-batch';
export { DefaultsOptions } from './defaults-options';
