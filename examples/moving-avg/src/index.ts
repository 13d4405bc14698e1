export { MovingAvg } from './moving-avg';
