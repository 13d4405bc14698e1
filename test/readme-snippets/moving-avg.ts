// What the snippets import as './moving-avg' and '../src': the example UDF.
export { MovingAvg } from '../../examples/moving-avg/src';
