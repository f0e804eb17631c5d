import { defineConfig } from 'vitest/config';
import { brokerTests, sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run test:interop`: the workshop against Kafka clients nobody here wrote, each a process
 * of its own: Kafka's Java console tools from the pinned jars, Debian's kcat (librdkafka) and
 * python3-kafka. Every codec both ways, consumer groups shared across languages, the seed's
 * Python programs next to the demo. Each Java tool takes seconds to start, so this is not part
 * of `npm test`.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    testTimeout: 150_000,
    // Java tools and demo programs side by side load a small machine: a few at a time
    maxConcurrency: 4,
    projects: [brokerTests('interop', ['tests/interop/**/*.test.ts'])],
  },
});
