// What the snippets import as './mirror': the example UDF.
export { Mirror } from '../../examples/mirror/src';
