import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';

/** Where Kafka stored a message: enough to find it again. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Sends bank transactions to one topic as JSON.
 * The TypeScript twin of the seed course's Python `TransactionProducer`.
 *
 * Fill in the five TODOs in order; `npm run check lesson-01` tells you which one is next.
 */
export class TransactionProducer {
  private readonly producer: Producer;

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    // `connection` already holds the broker addresses and a client id.
    this.producer = todo('lesson-01 step 1: create a Kafka client from `connection`, then a producer from that client');
  }

  async connect(): Promise<void> {
    todo('lesson-01 step 2: connect the producer to the broker');
  }

  /** The bytes that go on the wire. The seed's Python course reads the same JSON. */
  serialize(tx: Transaction): string {
    return todo('lesson-01 step 3: turn the transaction into a JSON string, keeping every field');
  }

  /**
   * Sends one transaction and resolves once Kafka has stored it.
   * `key` is optional here; lesson 02 is all about keys.
   */
  async send(tx: Transaction, key?: string): Promise<Delivery> {
    return todo(
      'lesson-01 step 4: send `serialize(tx)` (with `key`) to `this.topic`, wait for all in-sync replicas (acks: -1), and return the topic, partition and offset from the result',
    );
  }

  async close(): Promise<void> {
    todo('lesson-01 step 5: disconnect the producer');
  }
}
