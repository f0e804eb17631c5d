import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { learnerEnv, runWorkshopCli } from '../../support/spawn-cli.ts';
import type { Browser } from '../../../workshop/browser/chromium.ts';
import { DashboardProcess } from '../../../workshop/dashboard-process.ts';
import { waitOnPage } from './page.ts';

/**
 * The classroom round trip, as a room runs it: the instructor's `npm run dashboard -- --classroom`
 * is open, a learner with WORKSHOP_LEARNER set runs `npm run check lesson-01` (the untouched
 * stub: "not done"), and the learner's row appears in the grid. `env` holds the cluster's
 * settings (KAFKA_BROKERS, and a login for a secured one); the room's topic is fresh per run.
 */
export async function checkAppearsInClassroom(
  browser: Browser,
  env: NodeJS.ProcessEnv,
  onTestFinished: (cleanup: () => Promise<void>) => void,
): Promise<{ learner: string; topic: string; shownAfterMs: number }> {
  const run = randomBytes(4).toString('hex');
  const learner = `learner-${run}`;
  const topic = `classroom-test-${run}`;
  const room = learnerEnv({ ...env, WORKSHOP_CLASSROOM_TOPIC: topic });
  const { dashboard, url } = await DashboardProcess.start(['--classroom'], room);
  const page = await browser.page.context().newPage();
  onTestFinished(async () => {
    await page.close().catch(() => undefined);
    dashboard.kill();
  });
  await page.goto(url);
  await waitOnPage(
    page,
    async () => ((await page.locator('#classroom-table').count()) === 1 ? true : undefined),
    'the classroom grid',
  );
  expect(await page.locator('#topics').isHidden()).toBe(true);

  const check = await runWorkshopCli(
    'workshop/cli/check.ts',
    ['lesson-01'],
    { ...room, WORKSHOP_LEARNER: learner },
    120_000,
  );
  expect(check.code, check.output).toBe(1); // the stub is not done
  expect(check.output).toContain('not done yet');
  expect(check.output).not.toContain('Could not share this result');
  const finished = performance.now();

  const cell = page.locator(`tr[data-learner="${learner}"] td[data-lesson="lesson-01"]`);
  const state = await waitOnPage(
    page,
    async () => ((await cell.count()) === 1 ? ((await cell.getAttribute('data-state')) ?? undefined) : undefined),
    `${learner}'s lesson-01 in the grid`,
  );
  const shownAfterMs = performance.now() - finished;
  expect(state).toBe('not done');
  expect(await cell.textContent()).toMatch(/^… not done/);
  expect(await page.locator(`tr[data-learner="${learner}"] th`).textContent()).toBe(learner);
  return { learner, topic, shownAfterMs };
}
