export { Outliers } from './outliers';
export { type Fences, tukeyFences } from './tukey-fences';
