// Correct, written differently: sendBatch with one topic and one message instead of send, and
// the result read with find().
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';

/** Where Kafka stored a message: enough to find it again. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Sends bank transactions to one topic as JSON.
 * The TypeScript twin of the seed course's Python `TransactionProducer`.
 */
export class TransactionProducer {
  private readonly producer: Producer;

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    // idempotent: when kafkajs retries a send whose answer was lost, the broker keeps one copy, not two
    this.producer = new Kafka(connection).producer({ idempotent: true });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  serialize(tx: Transaction): string {
    return JSON.stringify(tx);
  }

  async send(tx: Transaction, key?: string): Promise<Delivery> {
    const results = await this.producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic: this.topic, messages: [{ key, value: this.serialize(tx) }] }],
    });
    const result = results.find((r) => r.topicName === this.topic);
    if (result?.baseOffset === undefined) throw new Error(`no offset came back for ${this.topic}`);
    return { topic: result.topicName, partition: result.partition, offset: result.baseOffset };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
