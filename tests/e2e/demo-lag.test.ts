import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { expect, inject, test } from 'vitest';
import { formatLag, lagFromAdmin } from '../../demo/lag.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

test("the monitor's own lag reading: end offset minus the group's commit, per partition", async () => {
  const id = randomBytes(4).toString('hex');
  const [topic, groupId] = [`demo-lag-${id}`, `demo-lag-group-${id}`];
  const kafka = new Kafka(kafkaConfig(`demo-lag-${id}`, inject('brokers')));
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.send({ topic, messages: [0, 0, 0, 0, 0, 1, 1].map((partition) => ({ partition, value: 'x' })) });

    // no commit yet: a new group is behind by everything
    expect(await lagFromAdmin(admin, groupId, topic)).toEqual([
      { partition: 0, endOffset: 5, committedOffset: 0, lag: 5 },
      { partition: 1, endOffset: 2, committedOffset: 0, lag: 2 },
      { partition: 2, endOffset: 0, committedOffset: 0, lag: 0 },
    ]);

    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '3' },
        { partition: 1, offset: '2' },
      ],
    });
    const lags = await lagFromAdmin(admin, groupId, topic);
    expect(lags.map((p) => p.lag)).toEqual([2, 0, 0]);
    expect(formatLag(lags)).toBe('⏳ Consumer lag: 2 messages behind (partition 0: 2 | 1: 0 | 2: 0)');
  } finally {
    await producer.disconnect();
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
});
