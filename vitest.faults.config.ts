import { defineConfig } from 'vitest/config';
import { brokerTests, sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run test:faults`: the slow proofs that nothing is lost and nothing hangs: a broker killed
 * and restarted under the running demo, a minute of load on a group of monitors, concurrent
 * check runs, hostile learner code for every lesson, a check run killed with SIGKILL, and
 * leftover JVMs found and stopped. One file at a time, because each one loads the machine (a broker of its own, a
 * thousand messages a second) and the others' timings would suffer.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    fileParallelism: false,
    maxWorkers: 1,
    // tests/faults/hostile-code.test.ts runs up to this many `npm run check` at once
    maxConcurrency: 3,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    projects: [brokerTests('faults', ['tests/faults/**/*.test.ts'])],
  },
});
