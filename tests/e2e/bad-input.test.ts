import type { Message } from 'kafkajs';
import { expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { statisticsOf } from '../../bank/statistics.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { sendMessages } from '../../checks/support/produce.ts';
import { waitFor } from '../../checks/support/wait.ts';
import { isSuspicious } from '../../solutions/04-multi-group-pubsub/fraud.ts';
import { demoRun } from './support/demo-run.ts';
import { expectedFinalBlock, finalStatisticsBlock, printedTransactions } from './support/monitor-output.ts';

/**
 * Anyone can write anything to a topic. The monitor (lesson 03's consumer) and the fraud
 * detector (lesson 04's) must skip what is not a transaction, count it, say so, and go on,
 * with statistics made of the real transactions only.
 */
const MEGABYTE = 1024 * 1024;

test('bad messages on the topic: the monitor and the fraud detector keep going, count and report each one, and their statistics ignore them', async ({
  onTestFinished,
}) => {
  const { ctx, start } = demoRun(onTestFinished);
  // one partition, so every bad message stands in front of good ones; room for a 1 MB value (the broker's default limit is about 1 MB)
  const topic = await ctx.createTopic('bad-input', 1, { 'max.message.bytes': String(2 * MEGABYTE) });
  const valid = generateTransactions(8, { seed: 910 });
  const keyed = (tx: Transaction): Message => ({ key: String(tx.account), value: JSON.stringify(tx) });
  const messages: Message[] = [
    keyed(valid[0]!),
    { key: 'oops', value: 'not json at all' },
    keyed(valid[1]!),
    { key: '1234', value: JSON.stringify({ account: 1234, amount: 10 }) },
    keyed(valid[2]!),
    { key: '1234', value: JSON.stringify({ ...valid[3]!, amount: 'lots', transaction_id: 42 }) },
    keyed(valid[3]!),
    { key: 'huge', value: 'x'.repeat(MEGABYTE) },
    keyed(valid[4]!),
    { key: 'deleted', value: null },
    // no key: not a problem for a consumer, the key only chose the partition
    { key: null, value: JSON.stringify(valid[5]) },
    keyed(valid[6]!),
    keyed(valid[7]!),
  ];
  const bad = [
    { offset: '1', reason: /the value is not JSON: "not json at all"$/ },
    { offset: '3', reason: /not a valid transaction \(.*timestamp must be an ISO 8601 date.*\)/ },
    {
      offset: '5',
      reason: /not a valid transaction \(amount must be a number; transaction_id must look like TXN-12345\)/,
    },
    { offset: '7', reason: /the value is not JSON: "x{80}"… \(1048576 characters\)$/ },
    { offset: '9', reason: /the message has no value \(null\)$/ },
  ];
  await sendMessages(ctx, topic, messages);

  const fraudGroup = ctx.name('fraud');
  const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor')]);
  const fraud = start('fraud', [
    '--topic',
    topic,
    '--group',
    fraudGroup,
    '--alerts-topic',
    ctx.ownTopic(ctx.name('alerts')),
  ]);
  await monitor.waitForLine(new RegExp(`\\| ${valid[7]!.transaction_id}$`));
  await waitFor(
    async () => ((await ctx.committedOffsets(fraudGroup, topic)).get(0) === messages.length ? true : undefined),
    {
      timeoutMs: 15_000,
      expected: `the fraud detector to get through all ${messages.length} messages`,
      likelyCause: 'a malformed message stopped the fraud detector, or it stopped committing',
    },
  );
  expect(await monitor.interrupt(), monitor.describe()).toEqual({ code: 0, signal: null });
  expect(await fraud.interrupt(), fraud.describe()).toEqual({ code: 0, signal: null });

  expect(printedTransactions(monitor).map((tx) => tx.transactionId)).toEqual(valid.map((tx) => tx.transaction_id));
  const skips = monitor.matching(/^⚠️ {2}Skipped a malformed message/);
  expect(skips).toHaveLength(bad.length);
  bad.forEach(({ offset, reason }, i) => {
    expect(skips[i]).toMatch(new RegExp(`^⚠️  Skipped a malformed message \\(partition 0, offset ${offset}\\): `));
    expect(skips[i]).toMatch(reason);
  });
  expect(Math.max(...monitor.lines.map((line) => line.text.length)), 'no line dumps the 1 MB value').toBeLessThan(400);
  expect(finalStatisticsBlock(monitor)).toEqual(expectedFinalBlock(statisticsOf(valid)));
  expect(
    monitor.matching(new RegExp(`^👋 Processed ${valid.length} transactions and skipped ${bad.length} malformed\\.`)),
  ).toHaveLength(1);

  const alerts = valid.filter((tx) => isSuspicious(tx) !== undefined).length;
  expect(fraud.matching(/^🚨 ALERT /)).toHaveLength(alerts);
  expect(
    fraud.matching(
      new RegExp(
        `^👋 Checked ${valid.length} transactions \\(${bad.length} malformed skipped\\) and raised ${alerts} alert`,
      ),
    ),
    fraud.describe(),
  ).toHaveLength(1);
  console.log(
    `[measured] bad input: ${messages.length} messages (${bad.length} bad: not JSON, missing fields, wrong types, 1 MB, null; 1 valid without a key): monitor ${printedTransactions(monitor).length} processed, ${skips.length} reported, statistics equal to the ${valid.length} valid ones; fraud detector ${valid.length} checked, ${bad.length} skipped`,
  );
});
