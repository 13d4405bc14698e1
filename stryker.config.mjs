// Mutation testing (npm run test:mutation, not part of `npm test`): Stryker
// changes one operator, condition or literal at a time in the files below
// and runs their unit tests; a mutant no test notices ("survived") is a
// behaviour no test pins down. Scores and the surviving mutants we keep on
// purpose: packages/core/README.md, "Mutation testing".
//
// Some files only (a comma-separated list), with only their package's tests:
//   MUTATION_SUITE=decorators npx stryker run --mutate packages/decorators/src/duration.ts,packages/decorators/src/option-values.ts
// A run reuses the results of the last one for mutants whose code and
// tests did not change (reports/stryker-incremental.json); --force redoes all.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'test/mutation/jest.config.ts', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  coverageAnalysis: 'perTest',
  mutate: [
    // core's wire reader and writer, the data messages (tags, decoding, encoding) and the series cache.
    'packages/core/src/{wire-reader,wire-writer,series-cache,*data*,*tags*,*decode*,*encode*}.ts',
    // the decorators' option parsing.
    'packages/decorators/src/{option-values,option-type,tickscript-literal,duration}.ts',
  ],
  // The machine is shared: one test process at a time.
  concurrency: 1,
  timeoutMS: 20000,
  // The first run (every test, with coverage) takes minutes on a loaded machine.
  dryRunTimeoutMinutes: 40,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The sandbox needs the sources, configs and the reference vectors only.
  ignorePatterns: [
    '/bench',
    '/conformance',
    '/e2e',
    '/examples',
    '/reports',
    '/test/*',
    '!/test/vectors',
    '!/test/mutation',
    '!/test/support',
  ],
  // ts-jest transpiles only (isolatedModules): nothing to switch off in the sandbox.
  disableTypeChecks: false,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
