import { defineConfig } from 'vitest/config';
import { CLUSTER_CHECKS, lessonChecks, sharedConfig, unitTests } from './workshop/check/suites.ts';

/**
 * `npm test`: the engine room's unit tests and the demo end to end, then every lesson's checks
 * three ways against one live broker. Lessons that need a cluster prove their stubs here and
 * the rest in `npm run test:cluster` (vitest.cluster.config.ts).
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    projects: [
      // tests/faults/ is the slow suite: npm run test:faults (vitest.faults.config.ts)
      unitTests(['tests/**/*.test.ts'], ['tests/clusters/**', 'tests/faults/**']),
      lessonChecks('solutions', ['checks/*.check.ts'], CLUSTER_CHECKS),
      lessonChecks('stubs', ['checks/*.check.ts']),
      lessonChecks('wrong-answers', ['checks/*.check.ts'], CLUSTER_CHECKS),
    ],
  },
});
