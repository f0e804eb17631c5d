import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { formatThroughputTable, parseProducerPerformance } from '../../workshop/bench/throughput.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { commitGroupOffsets, GroupIsActiveError } from '../../workshop/group-offsets.ts';
import { createTopicReliably } from '../../workshop/kafka/new-topic-race.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

describe('the throughput table', () => {
  test("reads ProducerPerformance's overall rate from its last line, not a progress line", () => {
    const output = [
      'Reading payloads from: /tmp/payload.txt',
      '55600 records sent, 11104.5 records/sec (1.06 MB/sec), 720.7 ms avg latency, 1673.0 ms max latency.',
      '200000 records sent, 28200.8 records/sec (2.69 MB/sec), 902.98 ms avg latency, 1673.00 ms max latency, 958 ms 50th, 1507 ms 95th, 1603 ms 99th, 1668 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(output)).toBe(28200.8);
    expect(() =>
      parseProducerPerformance('Exception in thread "main" org.apache.kafka.common.errors.TimeoutException'),
    ).toThrow(/printed no result.*TimeoutException/);
  });

  test('rows without a number say why, and have no ratio', () => {
    const table = formatThroughputTable([
      { name: 'kafkajs, tuned', messagesPerSecond: 61_234.4, ratioToJava: 1.0834 },
      { name: 'kafkajs, yours', messagesPerSecond: NaN, ratioToJava: NaN, status: 'not done yet' },
      { name: 'Java', messagesPerSecond: 56_521, ratioToJava: 1 },
    ]);
    expect(table.split('\n').slice(2)).toEqual([
      '| kafkajs, tuned | 61,234 | 1.08× |',
      '| kafkajs, yours | not done yet | – |',
      '| Java | 56,521 | 1.00× |',
    ]);
  });
});

describe('commitGroupOffsets', () => {
  const connection = kafkaConfig(`test-group-offsets-${randomBytes(3).toString('hex')}`, inject('brokers'));
  const kafka = new Kafka(connection);
  const admin = kafka.admin();
  const topic = `test-group-offsets-${randomBytes(4).toString('hex')}`;
  const groupId = `${topic}-group`;
  afterAll(async () => {
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  });

  test('moves a stopped group, and refuses while one of its consumers runs', async () => {
    await admin.connect();
    await createTopicReliably(admin, topic, 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 0, 0, 1, 1].map((partition) => ({ partition, value: 'x' })) });
    await producer.disconnect();

    await commitGroupOffsets(connection, groupId, topic, [
      { partition: 0, offset: '2' },
      { partition: 1, offset: '1' },
    ]);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '2'],
      [1, '1'],
    ]);

    const running = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    try {
      await running.connect();
      await running.subscribe({ topics: [topic] });
      const joined = new Promise((resolve) => running.on(running.events.GROUP_JOIN, resolve));
      await running.run({ eachMessage: async () => {} });
      await joined;
      const refused = commitGroupOffsets(connection, groupId, topic, [{ partition: 0, offset: '0' }]);
      await expect(refused).rejects.toThrow(GroupIsActiveError);
      await expect(refused).rejects.toThrow(
        /has running consumers \(state Stable\): stop them before moving its offsets/,
      );
    } finally {
      await running.disconnect();
    }
  });
});
