import { defineConfig } from 'vitest/config';
import { CLUSTER_CHECKS, lessonChecks, sharedConfig, unitTests } from './workshop/check/suites.ts';

/**
 * `npm run test:cluster`: what starts Kafka clusters of its own and so takes minutes, not
 * seconds: lesson 08's solution and wrong answers (its stubs are proven in `npm test`), the
 * 3-node cluster, and brokers with SASL and TLS.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    projects: [
      unitTests(['tests/clusters/**/*.test.ts']),
      lessonChecks('solutions', CLUSTER_CHECKS),
      lessonChecks('wrong-answers', CLUSTER_CHECKS),
    ],
  },
});
