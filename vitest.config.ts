import { defineConfig } from 'vitest/config';
import { trackLearnerKafkaClients } from './workshop/check/learner-kafkajs.ts';

/**
 * `npm test`: the engine room's unit tests, then every lesson's checks three ways against one
 * live broker: the solutions must pass, the untouched stubs must say "not done yet", and the
 * wrong-answer fixtures must be rejected with a message that teaches.
 */
const lessonChecks = (name: string, env: Record<string, string>) => ({
  extends: true as const,
  test: { name, include: ['checks/*.check.ts'], env },
});

export default defineConfig({
  plugins: [trackLearnerKafkaClients()],
  test: {
    globalSetup: ['workshop/check/global-setup.ts'],
    pool: 'threads',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'] } },
      lessonChecks('solutions', { WORKSHOP_TARGET: 'solutions', WORKSHOP_MODE: 'check' }),
      lessonChecks('stubs', { WORKSHOP_TARGET: 'lessons', WORKSHOP_MODE: 'stub' }),
      lessonChecks('wrong-answers', { WORKSHOP_MODE: 'wrong-answers' }),
    ],
  },
});
