import { defineConfig } from 'vitest/config';
import { brokerTests, sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run test:dashboard`: the dashboard in a real browser (Debian's chromium, driven by
 * playwright-core) against the live broker, with the demo programs running. Kept out of
 * `npm test`, which stays fast: each test here starts a browser page, the dashboard and up to
 * four demo programs, and watches Kafka rebalance and lag build up, which takes seconds.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    fileParallelism: false,
    testTimeout: 120_000,
    projects: [brokerTests('dashboard', ['tests/browser/**/*.test.ts'])],
  },
});
