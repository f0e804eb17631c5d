import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEphemeralJvmBroker, type RunningBroker } from '../../workshop/broker/ephemeral-broker.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

/**
 * Issue 19, item 3: the workshop's broker with the settings it gets on Windows, run here. Kafka
 * 4.1.2 must accept delete.topic.enable=false, refuse a delete without touching the topic's
 * files (on Windows the rename of an open folder is what takes the broker offline), and keep
 * serving the topic afterwards.
 */
let broker: RunningBroker;
let admin: Admin;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startEphemeralJvmBroker(() => undefined, { platform: 'win32' });
  kafka = new Kafka({
    ...kafkaConfig(`windows-broker-${randomBytes(4).toString('hex')}`, broker.brokers),
    logLevel: logLevel.NOTHING,
  });
  admin = kafka.admin();
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

async function readAll(topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: `windows-broker-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${values.length} of ${expected} messages in 20 s`)),
        20_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

test('a delete is refused, the topic stays, and the broker keeps serving it', async () => {
  const topic = `windows-${randomBytes(4).toString('hex')}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: 'before' }] });

    // kafkajs speaks DeleteTopics v1, to which Kafka answers a disabled delete with INVALID_REQUEST (v3+ would get TOPIC_DELETION_DISABLED)
    await expect(admin.deleteTopics({ topics: [topic], timeout: 5000 })).rejects.toMatchObject({
      type: expect.stringMatching(/^(INVALID_REQUEST|TOPIC_DELETION_DISABLED)$/) as string,
    });
    // what every cleanup in the workshop calls: on Windows it does not ask; with KAFKA_BROKERS it asks and takes the no
    await deleteTopicsQuietly(admin, [topic], { platform: 'win32', env: {} });
    await deleteTopicsQuietly(admin, [topic], { platform: 'win32', env: { KAFKA_BROKERS: broker.brokers.join(',') } });
    expect(await admin.listTopics()).toContain(topic);

    await producer.send({ topic, messages: [{ value: 'after' }] });
  } finally {
    await producer.disconnect();
  }
  expect(await readAll(topic, 2)).toEqual(['before', 'after']);
}, 60_000);
