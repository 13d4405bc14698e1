import type { Config } from 'jest';
import base from '../../jest.config';

// The tests Stryker runs against each mutant (npm run test:mutation): the
// unit tests of the files it mutates (stryker.config.mjs). Not the agent's
// or the transports' tests (they reach the codec too, but through far more
// code, and a mutant must be caught where its rule is tested), and no test
// that spawns a built binary (a mutant lives only in the sources).
const CORE = [
  'codec-properties',
  'data-field-types',
  'codec-vectors',
  'field-key-memo',
  'frame-decoder',
  'hot-path',
  'kapacitor-order',
  'point-helpers',
  'series-cache',
  'string-cache',
  'utf8-validation',
  'wire-format',
  'wire-reader',
  'wire-writer',
];
const DECORATORS = ['definition-errors', 'duration', 'info-describe', 'option-literals', 'options'];

// MUTATION_SUITE=core or =decorators runs one package's share (with
// --mutate on that package's files: a shorter initial run on a busy machine).
const suite = process.env.MUTATION_SUITE;
const config: Config = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/packages/core/test', '<rootDir>/packages/decorators/test'],
  testMatch: [
    ...(suite === 'decorators' ? [] : [`<rootDir>/packages/core/test/{${CORE.join(',')}}.test.ts`]),
    ...(suite === 'core' ? [] : [`<rootDir>/packages/decorators/test/{${DECORATORS.join(',')}}.test.ts`]),
  ],
};

export default config;
