import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendMessages } from '../../checks/support/produce.ts';
import { latestAssignment } from '../e2e/support/monitor-output.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { openBrowser, type Browser } from '../../workshop/browser/chromium.ts';
import { DashboardProcess } from '../../workshop/dashboard-process.ts';
import { groupOnPage, timelineOnPage, waitOnPage } from './support/page.ts';
import { keepScreenshotCurrent } from './support/screenshot.ts';
import { learnerEnv } from '../support/spawn-cli.ts';
import { CONSOLE_CONSUMER, runKafkaTool } from '../e2e/support/kafka-tools.ts';

/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core) against the
 * live broker, with the real demo programs as child processes: what a learner sees on the page.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await openBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** The dashboard for one test, on its own port, showing only that test's topics. */
async function dashboardFor(
  onTestFinished: (cleanup: () => Promise<void>) => void,
  brokers: string[],
  args: string[],
  env: NodeJS.ProcessEnv = {},
) {
  const { dashboard, url } = await DashboardProcess.start(
    args,
    learnerEnv({ KAFKA_BROKERS: brokers.join(','), ...env }),
  );
  const page = await browser.page.context().newPage();
  onTestFinished(async () => {
    await page.close().catch(() => undefined);
    dashboard.kill();
  });
  await page.goto(url);
  return { dashboard, page };
}

const owned = (members: Array<{ owns: number[] }>) =>
  members
    .flatMap((m) => m.owns)
    .sort()
    .join(',');

describe('npm run dashboard in a browser', () => {
  test('scenario 2 and 3: two monitors split the lanes, the fraud group reads them all; one monitor stops, the other owns all three within 2 s', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('lanes', 3);
    const group = ctx.name('monitors');
    const fraudGroup = ctx.name('fraud');
    const { page } = await dashboardFor(onTestFinished, ctx.brokers, ['--topics', topic]);

    start('simulator', ['--topic', topic, '--rate', 20]);
    const first = start('monitor', ['--topic', topic, '--group', group]);
    await first.waitForLine(/Partitions assigned: 0, 1, 2$/, 30_000);
    const second = start('monitor', ['--topic', topic, '--group', group]);
    start('fraud', ['--topic', topic, '--group', fraudGroup, '--alerts-topic', ctx.ownTopic(ctx.name('alerts'))]);

    const split = await waitOnPage(
      page,
      async () => {
        const seen = await groupOnPage(page, group);
        const disjoint = seen?.members.length === 2 && seen.members.every((m) => m.owns.length > 0);
        return disjoint && owned(seen.members) === '0,1,2' ? seen : undefined;
      },
      `group ${group} with two members that split partitions 0, 1 and 2`,
      30_000,
    );
    expect(split.members.map((m) => m.label)).toEqual(['A', 'B']);
    // scenario 3: the fraud detector's group has one member that reads every lane
    await waitOnPage(
      page,
      async () => ((await groupOnPage(page, fraudGroup))?.members[0]?.owns.join(',') === '0,1,2' ? true : undefined),
      `group ${fraudGroup} with one member that owns partitions 0, 1 and 2`,
      30_000,
    );
    for (const partition of [0, 1, 2]) {
      const readers = await page.locator(`.lane[data-partition="${partition}"] .readers .member`).allTextContents();
      expect(
        readers.some((text) => text.startsWith(`${group}: member `)),
        readers.join(' | '),
      ).toBe(true);
      expect(
        readers.some((text) => text.startsWith(`${fraudGroup}: member A`)),
        readers.join(' | '),
      ).toBe(true);
    }
    // messages flow along the lanes: a key, an offset and a preview of the JSON
    await waitOnPage(
      page,
      async () => ((await page.locator('.lane .message').count()) >= 3 ? true : undefined),
      'messages in the lanes',
    );
    expect(await page.locator('.lane .message .value').first().textContent()).toMatch(/^\{"/);
    const shot = keepScreenshotCurrent(await page.screenshot({ fullPage: true }));
    expect(shot.stale, shot.message).toBe(false);

    const stoppedLabel = split.members.find((m) => owned([m]) === (latestAssignment(second) ?? []).join(','))?.label;
    const stopped = performance.now();
    await second.interrupt();
    const exited = performance.now();
    const kafkaSettled = (await first.waitForLine(/Partitions assigned: 0, 1, 2$/, 15_000)).at;
    // the waiting above only needs to start before the event: the page is watched from here on
    await waitOnPage(
      page,
      async () => {
        const seen = await groupOnPage(page, group);
        const lines = await timelineOnPage(page);
        const event = lines.find((line) => line.includes(`${group}: `) && line.includes(' left'));
        return seen?.members.length === 1 && owned(seen.members) === '0,1,2' && event ? event : undefined;
      },
      'a rebalance event and one member owning 0, 1, 2',
      15_000,
    );
    const shown = performance.now();
    const timeline = await timelineOnPage(page);
    expect(timeline.find((line) => line.includes(' left'))).toMatch(
      new RegExp(`${stoppedLabel ?? '[AB]'} left; moved partition \\d from ${stoppedLabel ?? '[AB]'} to [AB]`),
    );
    console.log(
      `scenario 2 on the page: ${Math.round(shown - exited)} ms after the monitor exited (Ctrl+C to exit: ${Math.round(exited - stopped)} ms), ` +
        `${Math.round(shown - Math.max(kafkaSettled, exited))} ms after the other monitor printed its new partitions`,
    );
    // the dashboard's share of the delay: from Kafka's settled group (as its member saw it) to the screen
    expect(shown - Math.max(kafkaSettled, exited)).toBeLessThanOrEqual(2000);
  }, 120_000);

  test('lag climbs on the page while the monitor is stopped, and drains after it resumes', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('lag', 3);
    const group = ctx.name('monitor');
    const { page } = await dashboardFor(onTestFinished, ctx.brokers, ['--topics', topic]);
    start('simulator', ['--topic', topic, '--rate', 40]);
    const monitor = start('monitor', ['--topic', topic, '--group', group]);
    await waitOnPage(
      page,
      async () => ((await groupOnPage(page, group))?.members[0]?.owns.length === 3 ? true : undefined),
      `group ${group} reading all three partitions`,
      30_000,
    );
    // a group that has committed nothing has no lag to show: under load the simulator can start
    // after the monitor has joined, and a monitor stopped before its first transaction commits nothing
    await monitor.waitForLine(/^\[\s*10\] /, 30_000);
    const stopped = await monitor.interrupt();

    const lagOf = async () => (await groupOnPage(page, group))?.totalLag ?? 0;
    const groupSeen = async () =>
      `the group on the page: ${JSON.stringify(await groupOnPage(page, group))}; the monitor exited with ${JSON.stringify(stopped)}, its last lines: ` +
      `${monitor.lines
        .slice(-5)
        .map((line) => line.text)
        .join(' | ')}; its stderr: ${monitor.stderr.slice(-500) || 'nothing'}`;
    const rising = await waitOnPage(
      page,
      async () => {
        const lag = await lagOf();
        return (await groupOnPage(page, group))?.members.length === 0 && lag >= 40 ? lag : undefined;
      },
      'the lag of the stopped group to reach 40',
      20_000,
      groupSeen,
    );
    const peak = await waitOnPage(
      page,
      async () => {
        const lag = await lagOf();
        return lag >= rising + 20 ? lag : undefined;
      },
      `the lag to keep rising past ${rising + 20}`,
      20_000,
      groupSeen,
    );
    // the chart says the same: each partition's line ends above the zero line
    const lines = page.locator(`article.group[data-group="${group}"] svg.chart polyline`);
    expect(await lines.count()).toBe(3);
    const table = await page.locator(`article.group[data-group="${group}"] table.lag-table tbody tr`).count();
    expect(table).toBe(3);

    start('monitor', ['--topic', topic, '--group', group]);
    const drained = await waitOnPage(
      page,
      async () => {
        const lag = await lagOf();
        return lag < peak / 2 ? lag : undefined;
      },
      `the lag to fall below half of ${peak}`,
      30_000,
    );
    console.log(`lag on the page: ${rising} → ${peak} while stopped, ${drained} after the monitor resumed`);
    const peakOnChart = await lines.evaluateAll((polylines) =>
      polylines.map((line) =>
        Math.min(...(line.getAttribute('points') ?? '').split(' ').map((p) => Number(p.split(',')[1]))),
      ),
    );
    // a higher lag is drawn higher up (a smaller y): every line rose above its zero (y = 126)
    expect(peakOnChart.every((y) => y < 126)).toBe(true);
  }, 120_000);

  test('values that are not JSON are shown escaped, as text; the page works from the keyboard', async ({
    onTestFinished,
  }) => {
    const { ctx } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('odd-values', 1);
    const { page } = await dashboardFor(onTestFinished, ctx.brokers, ['--topics', topic]);
    await waitOnPage(page, async () => ((await page.locator('.lane').count()) === 1 ? true : undefined), 'one lane');
    await sendMessages(ctx, topic, [
      { key: 'html', value: '<img src=x onerror="document.title=\'owned\'">' },
      { key: 'binary', value: Buffer.from([0x00, 0x01, 0xff, 0x41]) },
      { key: 'lines', value: 'first line\nsecond line' },
    ]);
    const values = await waitOnPage(
      page,
      async () => {
        const texts = await page.locator('.lane .message .value').allTextContents();
        return texts.length >= 3 ? texts : undefined;
      },
      'the three messages',
    );
    expect(values).toEqual([
      'first line\\nsecond line',
      '\\x00\\x01\\xffA',
      '<img src=x onerror="document.title=\'owned\'">',
    ]);
    expect(await page.locator('.lane img').count()).toBe(0);
    expect(await page.title()).toBe('Kafka workshop dashboard');

    // keyboard: the first Tab reaches the skip link, the next ones the pause button, which Enter presses
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the dashboard');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('pause');
    await page.keyboard.press('Enter');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#pause').textContent()).toBe('Resume updates');
    await page.keyboard.press('Enter');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('false');

    // every chart has its table, every colour its words
    const charts = await page.locator('svg.chart').count();
    expect(await page.locator('figure + table.lag-table').count()).toBe(charts);
    const labels = await page.locator('.member').allTextContents();
    expect(labels.every((text) => text.trim().length > 0)).toBe(true);
  }, 60_000);

  test("a client the workshop did not write, Kafka's own console consumer, shows as a member with its partitions", async ({
    onTestFinished,
  }) => {
    const { ctx } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('java-client', 2);
    const group = ctx.name('console');
    const { page } = await dashboardFor(onTestFinished, ctx.brokers, ['--topics', topic]);
    // it leaves by itself after 20 s without a message
    const consumer = runKafkaTool(
      CONSOLE_CONSUMER,
      ['--bootstrap-server', ctx.brokers.join(','), '--topic', topic, '--group', group, '--timeout-ms', '20000'],
      { timeoutMs: 90_000 },
    );
    const seen = await waitOnPage(
      page,
      async () => {
        const g = await groupOnPage(page, group);
        return g?.members.length === 1 && owned(g.members) === '0,1' ? g : undefined;
      },
      `group ${group} with the console consumer owning partitions 0 and 1`,
      60_000,
    );
    expect(seen.members[0]!.text).toMatch(/^A · console-consumer.* owns .+ 0, 1$/);
    await consumer;
  }, 120_000);
});
