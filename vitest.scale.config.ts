import { defineConfig } from 'vitest/config';

// The scale-out suite (npm run test:scale): several server processes on one Azurite, run alone
// so that it does not compete with the main suite for the machine.
export default defineConfig({
  test: {
    include: ['test/scale/**/*.scale.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
