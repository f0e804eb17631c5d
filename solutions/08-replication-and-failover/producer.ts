import type { Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import type { Delivery } from '../01-producer-basics/producer.ts';

/**
 * Sends one transaction, keyed by its account, and resolves only once every in-sync replica
 * has stored it. When too few replicas are in sync, Kafka refuses the write and this rejects:
 * the caller must know that the transaction is not safe.
 */
export async function sendDurably(producer: Producer, topic: string, tx: Transaction): Promise<Delivery> {
  const [result] = await producer.send({
    topic,
    // -1 ("all"): the leader answers once every in-sync replica has the message, and refuses it
    // when fewer than min.insync.replicas are in sync
    acks: -1,
    messages: [{ key: String(tx.account), value: JSON.stringify(tx) }],
  });
  if (!result) throw new Error(`Kafka returned no result for the send to ${topic}`);
  return { topic: result.topicName, partition: result.partition, offset: result.baseOffset ?? '-1' };
}
