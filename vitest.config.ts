import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Each worker keeps its module cache between test files: importing Fastify, the Azure SDKs and
    // durable-functions again for every file cost most of the run. Test files isolate themselves
    // by task hub name and close what they start, so nothing else is shared.
    isolate: false,
  },
});
