export { Outliers } from './outliers';
export { tukeyFences, type Fences } from './tukey-fences';
