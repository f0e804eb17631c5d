import { defineConfig } from 'vitest/config';
import { sharedConfig } from './workshop/check/suites.ts';

/**
 * `npm run mutate`: Stryker's vitest runner runs one lesson's checks (WORKSHOP_MUTATE_CHECKS,
 * set by workshop/cli/mutate.ts) against each mutant of that lesson's solution.
 */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    include: [process.env.WORKSHOP_MUTATE_CHECKS ?? 'checks/*.check.ts'],
    env: { WORKSHOP_TARGET: 'solutions', WORKSHOP_MODE: 'check' },
  },
});
