// Correct, written differently: a plain producer with kafkajs's defaults. Without acks, kafkajs
// asks for -1 (all in-sync replicas) anyway; the key is passed on as it comes.
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
    const kafka = new Kafka(connection);
    this.producer = kafka.producer();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  serialize(tx: Transaction): string {
    return JSON.stringify(tx);
  }

  async send(tx: Transaction, key?: string): Promise<Delivery> {
    const [result] = await this.producer.send({
      topic: this.topic,
      messages: [{ key, value: JSON.stringify(tx) }],
    });
    if (!result) throw new Error(`Kafka returned no result for the send to ${this.topic}`);
    return { topic: result.topicName, partition: result.partition, offset: result.baseOffset ?? '-1' };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
