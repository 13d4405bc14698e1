export { parseArgs, type ScaffoldArgs } from './args';
export { type CreatedPackage, type CreatePackageOptions, createPackage } from './create-package';
export { ScaffoldError, type ScaffoldErrorCode } from './errors';
export { generatedPackageJson } from './generated-package-json';
export { main, type ScaffoldIo } from './main';
export { packageNameProblems, suggestPackageName } from './package-name';
export { EXAMPLE_UDF_NAME } from './udf-name';
