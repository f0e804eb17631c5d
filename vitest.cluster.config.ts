import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { brokerTests, CLUSTER_CHECKS, lessonChecks, sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run test:cluster`: what starts Kafka clusters of its own and so takes minutes, not
 * seconds: lesson 08's solution and wrong answers (its stubs are proven in `npm test`), the
 * 3-node cluster, and brokers with SASL and TLS.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    // each of these files starts JVM clusters of its own: vitest's default, one file per core but one
    maxWorkers: Math.max(os.availableParallelism() - 1, 1),
    projects: [
      brokerTests('clusters', ['tests/clusters/**/*.test.ts']),
      lessonChecks('solutions', CLUSTER_CHECKS),
      lessonChecks('wrong-answers', CLUSTER_CHECKS),
      lessonChecks('variants', CLUSTER_CHECKS),
    ],
  },
});
