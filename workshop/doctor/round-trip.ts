import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { kafkaConfig } from '../config.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';
import { within } from '../wait.ts';

/**
 * The proof that the checks will work: a fresh topic, one message produced with acks=all,
 * the same message read back by a consumer group, and everything removed again.
 */
export async function produceConsumeRoundTrip(brokers: string[], timeoutMs = 20_000): Promise<{ ms: number }> {
  const id = `workshop-doctor-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka(kafkaConfig(id, brokers));
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: id, maxWaitTimeInMs: 100 });
  const started = performance.now();
  try {
    const trip = (async () => {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: id, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic: id, acks: -1, messages: [{ key: 'doctor', value: id }] });
      await consumer.connect();
      await consumer.subscribe({ topic: id, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.value?.toString() === id) resolve();
            },
          })
          .catch(reject);
      });
    })();
    await within(trip, timeoutMs, `the message did not come back within ${timeoutMs / 1000} s`);
    return { ms: Math.round(performance.now() - started) };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await deleteTopicsQuietly(admin, [id]);
    await admin.disconnect().catch(() => undefined);
  }
}
