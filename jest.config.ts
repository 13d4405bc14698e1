import type { Config } from 'jest';

// Tests run from TypeScript sources: workspace packages resolve to their src/
// folders, so no build is needed before `jest` (integration tests that spawn
// the real `udf-run` binary build it themselves through `npm test`).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples', '<rootDir>/test'],
  testMatch: ['**/?(*.)test.ts'],
  // The scaffold's template is the test of a package yet to be generated: its
  // own test runs it there (packages/create-kapacitor-udf/test).
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/packages/create-kapacitor-udf/template/'],
  moduleNameMapper: {
    '^@kapacitor-udf/(core|decorators|transports|replay|cli|testing)$': '<rootDir>/packages/$1/src',
    // Internals shared between our packages (package.json "exports" ./internal).
    '^@kapacitor-udf/(core|decorators|transports|replay|cli|testing)/internal$': '<rootDir>/packages/$1/src/internal',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testTimeout: 30000,
};

export default config;
