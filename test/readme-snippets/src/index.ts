// What the testing README's snippet imports as '../src'.
export { MovingAvg } from '../moving-avg';
