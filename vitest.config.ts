import { defineConfig } from 'vitest/config';
import { CLUSTER_CHECKS, lessonChecks, programTests, sharedConfig, unitTests } from './workshop/check/suites.ts';
import { splitByBroker, testFilesUnder } from './workshop/check/test-needs.ts';
import LongestFirstSequencer from './workshop/check/sequencer.ts';

/**
 * Slower suites of their own: tests/faults/ is npm run test:faults (vitest.faults.config.ts), tests/browser/
 * npm run test:dashboard (vitest.dashboard.config.ts), tests/interop/ npm run test:interop, tests/clusters/
 * npm run test:cluster. The rest are unit (they start nothing) or e2e (they use the run's broker), read
 * from what each file imports.
 */
const ENGINE_ROOM = splitByBroker(
  testFilesUnder('tests', ['tests/clusters', 'tests/faults', 'tests/browser', 'tests/interop']),
  ['tests/e2e', 'tests/registry'],
);

/**
 * `npm test`: every lesson's checks four ways against one live broker and the engine room's
 * unit tests, all files side by side, those that take longest first (workshop/check/sequencer.ts);
 * then the e2e tests (the demo and the commands against the broker), one file per core and one
 * more (see workshop/check/suites.ts). Lessons that need a cluster prove their stubs here and the
 * rest in `npm run test:cluster` (vitest.cluster.config.ts).
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      unitTests(ENGINE_ROOM.unit),
      programTests('e2e', ENGINE_ROOM.broker),
      lessonChecks('solutions', ['checks/*.check.ts'], CLUSTER_CHECKS),
      lessonChecks('stubs', ['checks/*.check.ts']),
      lessonChecks('wrong-answers', ['checks/*.check.ts'], CLUSTER_CHECKS),
      lessonChecks('variants', ['checks/*.check.ts'], CLUSTER_CHECKS),
    ],
  },
});
