import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, inject, test } from 'vitest';
import { kafkaConfig } from '../../workshop/config.ts';
import { openBrowser, type Browser } from '../../workshop/browser/chromium.ts';
import { checkAppearsInClassroom } from './support/classroom.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await openBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

test('a npm run check with WORKSHOP_LEARNER set appears in the classroom grid', async ({ onTestFinished }) => {
  const brokers = inject('brokers');
  const { topic, shownAfterMs } = await checkAppearsInClassroom(
    browser,
    { KAFKA_BROKERS: brokers.join(',') },
    onTestFinished,
  );
  onTestFinished(async () => {
    const admin = new Kafka(kafkaConfig('classroom-test-cleanup', brokers)).admin();
    await admin.connect();
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  });
  console.log(`classroom: the check's result was on the page ${Math.round(shownAfterMs)} ms after the check exited`);
}, 180_000);
