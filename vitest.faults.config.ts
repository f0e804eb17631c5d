import { defineConfig } from 'vitest/config';
import { trackLearnerKafkaClients } from './workshop/check/learner-kafkajs.ts';

/**
 * `npm run test:faults`: the slow proofs that nothing is lost and nothing hangs: a broker killed
 * and restarted under a running demo, a minute of load on a group of monitors, concurrent check
 * runs. One file at a time, because each one loads the machine (a broker of its own, a
 * thousand messages a second) and the others' timings would suffer.
 */
export default defineConfig({
  plugins: [trackLearnerKafkaClients()],
  test: {
    name: 'faults',
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['workshop/check/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
