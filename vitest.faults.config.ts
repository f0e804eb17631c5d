import { defineConfig } from 'vitest/config';
import { sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run test:faults`: the slow proofs that nothing is lost and nothing hangs: a broker killed
 * and restarted under the running demo, a minute of load on a group of monitors, concurrent
 * check runs. One file at a time, because each one loads the machine (a broker of its own, a
 * thousand messages a second) and the others' timings would suffer.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    projects: [{ extends: true, test: { name: 'faults', include: ['tests/faults/**/*.test.ts'] } }],
  },
});
