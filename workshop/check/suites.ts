import os from 'node:os';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { clusterCheckFiles } from '../lessons.ts';
import { trackLearnerKafkaClients } from './learner-kafkajs.ts';

/**
 * The test suites share their shape. Lesson checks are proven four ways (the solutions pass,
 * the untouched stubs say "not done yet", the wrong answers are rejected, the correct
 * variants pass). Tests of the engine room come in two kinds (workshop/check/test-needs.ts sorts them):
 * - `unit`: logic, files and programs that need no broker. They start nothing:
 *   `npx vitest run --project unit tests/docs.test.ts` runs without Kafka.
 * - `e2e`: tests that use the run's broker, `inject('brokers')`, themselves or through a module
 *   they import, and everything under tests/e2e/ and tests/registry/.
 * `npm test` needs one broker and stays fast; `npm run test:cluster` holds what starts
 * clusters of their own (lesson 08, the cluster itself, SASL), which takes minutes.
 */
export const CLUSTER_CHECKS = clusterCheckFiles();

/** Finds or starts the run's broker, once for every project that lists it, and waits until it is ready for groups. */
const WITH_BROKER = { globalSetup: ['workshop/check/global-setup.ts'] };

/**
 * Files that leave nothing behind in their thread share it: a new thread per file cost a third of
 * their CPU time (Node's start in each thread, then every module they import compiled again);
 * measured on 2 cores, 81 CPU-s for the lesson checks and unit tests before, 66 after. Each file
 * still runs its own module; the modules it imports (kafkajs, vitest, the check support) are
 * loaded once per thread.
 */
const SHARED_THREADS = { isolate: false };

type Mode = 'solutions' | 'stubs' | 'wrong-answers' | 'variants';
const MODE_ENV: Record<Mode, Record<string, string>> = {
  solutions: { WORKSHOP_TARGET: 'solutions', WORKSHOP_MODE: 'check' },
  stubs: { WORKSHOP_TARGET: 'lessons', WORKSHOP_MODE: 'stub' },
  'wrong-answers': { WORKSHOP_MODE: 'wrong-answers' },
  variants: { WORKSHOP_MODE: 'variants' },
};

/**
 * A lesson's checks run side by side (registerLesson), and most of a wrong answer's or a slow
 * variant's time is a wait that runs out: twelve at a time, not vitest's five, lets those waits
 * overlap (lesson 03's variants, with kafkajs's default timings, went from 19 s to 13 s).
 */
const CHECKS_AT_ONCE = 12;

export function lessonChecks(mode: Mode, include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name: mode,
      include,
      exclude,
      env: MODE_ENV[mode],
      maxConcurrency: CHECKS_AT_ONCE,
      ...WITH_BROKER,
      ...SHARED_THREADS,
    },
  };
}

/** Tests that need nothing running. */
export function unitTests(include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return { extends: true, test: { name: 'unit', include, exclude, ...SHARED_THREADS } };
}

/** Tests that use the run's broker. */
export function brokerTests(name: string, include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include, exclude, ...WITH_BROKER } };
}

/**
 * Tests that use the run's broker and start programs (the demo, the CLI, watch): each program
 * costs a core for a moment just to start, so beside the lesson checks they starve and their
 * waits run out. They run after every other project, one file per core and one more: most of
 * their time is spent waiting for a program or the broker (on 2 cores, three files at once took
 * the project from 57 s to 47 s).
 */
export function programTests(
  name: string,
  include: string[],
  cores = os.availableParallelism(),
): TestProjectInlineConfiguration {
  const project = brokerTests(name, include);
  return { ...project, test: { ...project.test, sequence: { groupOrder: 1 }, maxWorkers: Math.max(cores + 1, 2) } };
}

/**
 * Test files run side by side. Most of their time is spent waiting for Kafka, not computing,
 * so a 2-core laptop runs several at once; vitest's default (one file per core but one) would
 * leave it idle. Three per core starved lesson 06's redelivery checks on CI's 2 cores: two it is. WORKSHOP_TEST_WORKERS overrides the number.
 */
export function testWorkers(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  const asked = Number(env.WORKSHOP_TEST_WORKERS);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return Math.min(Math.max(cores * 2, 4), 12);
}

export const sharedConfig = {
  plugins: [trackLearnerKafkaClients()],
  test: {
    pool: 'threads' as const,
    maxWorkers: testWorkers(),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // a test's npm run check runs in its own process: a check server left behind by each would outlive the suite
    env: { WORKSHOP_CHECK_SERVER: 'off' },
  },
};
