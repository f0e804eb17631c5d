import type { TestProjectInlineConfiguration } from 'vitest/config';
import { trackLearnerKafkaClients } from './learner-kafkajs.ts';

/**
 * The test suites share their shape: unit tests, then lesson checks proven three ways (the
 * solutions pass, the untouched stubs say "not done yet", the wrong answers are rejected).
 * `npm test` needs one broker and stays fast; `npm run test:cluster` holds what starts
 * clusters of its own (lesson 08, the cluster itself, SASL), which takes minutes.
 */
export const CLUSTER_CHECKS = ['checks/08-replication-and-failover.check.ts'];

type Mode = 'solutions' | 'stubs' | 'wrong-answers';
const MODE_ENV: Record<Mode, Record<string, string>> = {
  solutions: { WORKSHOP_TARGET: 'solutions', WORKSHOP_MODE: 'check' },
  stubs: { WORKSHOP_TARGET: 'lessons', WORKSHOP_MODE: 'stub' },
  'wrong-answers': { WORKSHOP_MODE: 'wrong-answers' },
};

export function lessonChecks(mode: Mode, include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return { extends: true, test: { name: mode, include, exclude, env: MODE_ENV[mode] } };
}

export function unitTests(include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return { extends: true, test: { name: 'unit', include, exclude } };
}

export const sharedConfig = {
  plugins: [trackLearnerKafkaClients()],
  test: {
    globalSetup: ['workshop/check/global-setup.ts'],
    pool: 'threads' as const,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
};
