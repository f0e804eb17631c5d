import type { Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';
import type { Delivery } from '../01-producer-basics/producer.ts';

/**
 * Sends one transaction, keyed by its account, and resolves only once every in-sync replica
 * has stored it. When too few replicas are in sync, Kafka refuses the write and this rejects:
 * the caller must know that the transaction is not safe.
 *
 * `producer` is connected already; the caller owns it (and disconnects it).
 */
export async function sendDurably(producer: Producer, topic: string, tx: Transaction): Promise<Delivery> {
  return todo(
    'lesson-08 step 3: send JSON.stringify(tx) keyed by String(tx.account) to `topic` with acks: -1, return the topic, partition and offset from the result, and let any error reach the caller',
  );
}
