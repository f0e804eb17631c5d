import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEphemeralJvmBroker, type RunningBroker } from '../../workshop/broker/ephemeral-broker.ts';
import { openBrowser, type Browser } from '../../workshop/browser/chromium.ts';
import { checkAppearsInClassroom } from '../browser/support/classroom.ts';

/**
 * The classroom view on a room's secured cluster: a broker that demands a SASL login, as a
 * team cluster or a managed service does. The check publishes with the learner's login, the
 * dashboard reads with the instructor's, both from the same KAFKA_* settings.
 */
const alice = { name: 'alice', password: randomBytes(12).toString('hex') };
let broker: RunningBroker;
let browser: Browser;

beforeAll(async () => {
  [broker, browser] = await Promise.all([
    startEphemeralJvmBroker(() => undefined, { saslUsers: [alice] }),
    openBrowser(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([broker?.stop(), browser?.close()]);
});

test('the classroom grid shows a check run against a SASL-secured broker', async ({ onTestFinished }) => {
  const { learner } = await checkAppearsInClassroom(
    browser,
    {
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: alice.name,
      KAFKA_SASL_PASSWORD: alice.password,
    },
    onTestFinished,
  );
  expect(learner).toMatch(/^learner-/);
}, 180_000);
