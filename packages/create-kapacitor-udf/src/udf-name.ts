/**
 * The name of the example UDF the scaffold writes (`@Udf({ name })` in
 * template/src/deadband.ts): the `start` script, the next steps and the
 * README use it. test/create-package.test.ts checks the template declares it.
 */
export const EXAMPLE_UDF_NAME = 'deadband';
