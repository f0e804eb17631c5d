import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { expect, inject, test } from 'vitest';
import { lagFromAdmin } from '../../demo/lag.ts';
import { endOffsets, lagFromWhereItStarted } from '../../demo/lag-from-start.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { demoRun } from './support/demo-run.ts';
import { printedTransactions } from './support/monitor-output.ts';
import { createTopicReliably } from '../../workshop/kafka/new-topic-race.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

test('--latest: a group with no commits has no lag for what came before it started, only for what came after', async () => {
  const id = randomBytes(4).toString('hex');
  const [topic, groupId] = [`demo-lag-latest-${id}`, `demo-lag-latest-group-${id}`];
  const kafka = new Kafka(kafkaConfig(`demo-lag-latest-${id}`, inject('brokers')));
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  const send = (partitions: number[]) =>
    producer.send({ topic, messages: partitions.map((partition) => ({ partition, value: 'x' })) });
  try {
    await createTopicReliably(admin, topic, 2);
    await send([0, 0, 0, 1, 1]);
    const readLag = lagFromWhereItStarted(lagFromAdmin, await endOffsets(admin, topic));
    // before: counted from the earliest message, 5 behind; from where it started, none
    expect((await lagFromAdmin(admin, groupId, topic)).map((p) => p.lag)).toEqual([3, 2]);
    expect((await readLag(admin, groupId, topic)).map((p) => p.lag)).toEqual([0, 0]);

    await send([0, 1, 1]);
    expect(await readLag(admin, groupId, topic)).toEqual([
      { partition: 0, endOffset: 4, committedOffset: 3, lag: 1 },
      { partition: 1, endOffset: 4, committedOffset: 2, lag: 2 },
    ]);

    // once the group commits, its commit counts, as always
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    expect((await readLag(admin, groupId, topic)).map((p) => p.lag)).toEqual([3, 2]);
  } finally {
    await producer.disconnect();
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
});

test('npm run monitor -- --latest on a topic that already holds 33 transactions: 0 behind, then the new ones', async ({
  onTestFinished,
}) => {
  const run = demoRun(onTestFinished);
  const topic = run.topicName('latest');
  const before = run.start('simulator', ['--topic', topic, '--count', 33, '--rate', 500, '--seed', 330]);
  expect(await before.waitForExit(60_000), before.describe()).toEqual({ code: 0, signal: null });

  const monitor = run.start('monitor', ['--topic', topic, '--group', run.ctx.name('latest'), '--latest']);
  const first = await monitor.waitForLine(/^⏳ Consumer lag: /, 30_000);
  expect(first.text).toBe('⏳ Consumer lag: 0 messages behind (partition 0: 0 | 1: 0 | 2: 0)');

  const after = run.start('simulator', ['--topic', topic, '--count', 5, '--rate', 500, '--seed', 331]);
  expect(await after.waitForExit(60_000), after.describe()).toEqual({ code: 0, signal: null });
  await monitor.waitForLine(/^\[\s*5\] Account/, 30_000);
  expect(await monitor.interrupt(), monitor.describe()).toEqual({ code: 0, signal: null });
  expect(printedTransactions(monitor)).toHaveLength(5);
  expect(
    monitor.matching(/^⏳ Consumer lag: (\d+)/).map((line) => Number(/(\d+) message/.exec(line)![1])),
  ).not.toContain(33);
});
