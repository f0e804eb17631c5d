import { afterAll, beforeAll, expect, test } from 'vitest';
import { CheckContext } from '../../checks/support/context.ts';
import { sendMessages } from '../../checks/support/produce.ts';
import { RestartableBroker } from '../../workshop/broker/restartable-broker.ts';
import { openBrowser, type Browser } from '../../workshop/browser/chromium.ts';
import { DashboardProcess } from '../../workshop/dashboard-process.ts';
import { waitOnPage } from '../browser/support/page.ts';
import { learnerEnv } from '../support/spawn-cli.ts';

/**
 * The broker dies under an open dashboard (SIGKILL) and comes back: the page says so in a
 * banner, and recovers by itself. This file's broker is its own; the shared one is never touched.
 */
let broker: RestartableBroker;
let browser: Browser;

beforeAll(async () => {
  [broker, browser] = await Promise.all([RestartableBroker.start(), openBrowser()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([broker?.stop(), browser?.close()]);
});

test('a lost broker is a banner on the page, and the page recovers by itself when it is back', async ({
  onTestFinished,
}) => {
  const ctx = new CheckContext('dashboard-fault', broker.brokers);
  onTestFinished(() => ctx.close());
  const topic = await ctx.createTopic('lanes', 1);
  const { dashboard, url } = await DashboardProcess.start(
    ['--topics', topic],
    learnerEnv({ KAFKA_BROKERS: broker.brokers.join(',') }),
  );
  onTestFinished(() => void dashboard.kill());
  const page = await browser.page.context().newPage();
  onTestFinished(() => page.close());
  await page.goto(url);
  const banner = page.locator('#banner');
  const messageShown = (value: string) => async () =>
    (await page.locator('.lane .message .value').allTextContents()).includes(value) ? true : undefined;

  await sendMessages(ctx, topic, [{ key: 'k', value: 'before the crash' }]);
  await waitOnPage(page, messageShown('before the crash'), 'the first message', 20_000);
  expect(await banner.isHidden(), (await banner.textContent()) ?? '').toBe(true);

  const killed = performance.now();
  await broker.kill();
  const text = await waitOnPage(
    page,
    async () => ((await banner.isVisible()) ? ((await banner.textContent()) ?? undefined) : undefined),
    'the lost-broker banner',
    20_000,
  );
  expect(text).toMatch(
    /^⚠ Lost the Kafka broker since \d\d:\d\d:\d\d: cannot reach Kafka at 127\.0\.0\.1:\d+ \(.+\)\. Trying again every 2 s; this page recovers by itself/,
  );
  expect(await page.locator('[data-broker] td').nth(2).textContent()).toBe('✗ down');
  const bannerShown = performance.now();

  await broker.restart();
  const restarted = performance.now();
  await waitOnPage(page, async () => ((await banner.isHidden()) ? true : undefined), 'the banner to go', 60_000);
  const recovered = performance.now();
  await sendMessages(ctx, topic, [{ key: 'k', value: 'after the restart' }]);
  // the peeking consumer came back too: new messages flow along the lane again
  await waitOnPage(page, messageShown('after the restart'), 'a message sent after the restart', 60_000);
  const flowing = performance.now();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `broker killed: banner after ${s(bannerShown - killed)}; broker answering again: banner gone after ${s(recovered - restarted)}, ` +
      `a new message on the lane ${s(flowing - recovered)} later`,
  );
  expect(dashboard.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}, 240_000);
