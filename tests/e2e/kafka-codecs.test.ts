import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { expect, inject, test } from 'vitest';
import { waitFor } from '../../checks/support/wait.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { KAFKA_CODECS } from '../../workshop/kafka/codecs.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

// tests/interop/codecs.test.ts proves the same against Java's and librdkafka's producers and consumers
test('a kafkajs client of the workshop writes and reads every codec Kafka has, through the broker', async () => {
  const id = randomBytes(4).toString('hex');
  const topic = `codecs-${id}`;
  const kafka = new Kafka(kafkaConfig(`codecs-${id}`, inject('brokers')));
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `codecs-${id}`, maxWaitTimeInMs: 100 });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const sent = new Map<string, string[]>();
    for (const [name, codec] of Object.entries(KAFKA_CODECS)) {
      // repetitive values, so every codec has something to shrink
      const values = Array.from({ length: 200 }, (_, i) => `${name} ${i} ${'account 1234 deposit '.repeat(5)}`);
      sent.set(name, values);
      // the broker checks every batch it stores: one it cannot decompress is refused here
      await producer.send({ topic, compression: codec, messages: values.map((value) => ({ key: name, value })) });
    }

    const read = new Map<string, string[]>();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const codec = message.key!.toString();
        read.set(codec, [...(read.get(codec) ?? []), message.value!.toString()]);
      },
    });
    await waitFor(() => ([...read.values()].flat().length >= 800 ? true : undefined), {
      timeoutMs: 20_000,
      expected: '800 messages, 200 per codec',
      likelyCause: 'a codec is not registered with kafkajs, so its messages cannot be read',
      lastSeen: () => JSON.stringify([...read].map(([codec, values]) => [codec, values.length])),
    });
    expect(read).toEqual(sent);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
});
