// Correct variant: sendBatch with kafkajs's default acks, which is -1 (all in-sync replicas),
// and the result found by its topic.
import type { Producer } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { Delivery } from '../../../../solutions/01-producer-basics/producer.ts';

export async function sendDurably(producer: Producer, topic: string, tx: Transaction): Promise<Delivery> {
  const results = await producer.sendBatch({
    topicMessages: [{ topic, messages: [{ key: `${tx.account}`, value: Buffer.from(JSON.stringify(tx)) }] }],
  });
  const result = results.find((r) => r.topicName === topic);
  if (!result?.baseOffset) throw new Error(`no acknowledgement for ${topic} in ${JSON.stringify(results)}`);
  return { topic, partition: result.partition, offset: result.baseOffset };
}
