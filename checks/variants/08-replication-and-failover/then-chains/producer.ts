// Correct variant: a promise chain instead of async/await, with the key as a Buffer.
import type { Producer } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { Delivery } from '../../../../solutions/01-producer-basics/producer.ts';

export function sendDurably(producer: Producer, topic: string, tx: Transaction): Promise<Delivery> {
  return producer
    .send({ topic, acks: -1, messages: [{ key: Buffer.from(String(tx.account)), value: JSON.stringify(tx) }] })
    .then(([result]) => {
      if (result === undefined) throw new Error('the broker sent no result');
      return { topic: result.topicName, partition: result.partition, offset: String(result.baseOffset) };
    });
}
