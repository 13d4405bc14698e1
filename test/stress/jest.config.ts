import type { Config } from 'jest';
import base from '../../jest.config';

// The stress suite (npm run test:stress): the soak and the 200-connection
// load. Its files are *.stress.ts, so the default `jest` run never picks them
// up. Counts come from the environment (see docs/limits.md):
//   STRESS_POINTS (default 10,000,000), STRESS_CONNECTIONS (default 200),
//   STRESS_POINTS_PER_CONNECTION (default 2,000).
const config: Config = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/stress'],
  testMatch: ['**/*.stress.ts'],
  testTimeout: 60 * 60 * 1000,
};

export default config;
