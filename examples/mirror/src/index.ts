export { Mirror } from './mirror';
export { MirrorBatch } from './mirror-batch';
