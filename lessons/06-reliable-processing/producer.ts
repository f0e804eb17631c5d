import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

/**
 * How many times a send is retried before it fails. With the workshop's client settings
 * (first retry after 0.1 s, doubling up to 1 s) ten retries give a broker about 7 seconds to
 * come back; after that the send rejects and the caller decides what to do.
 */
export const PRODUCER_RETRIES = 10;

/**
 * A producer whose own retries do not write a message twice: each batch carries the producer's
 * id and sequence numbers, and the broker drops a repeat it has already stored. A send your
 * code repeats after send() rejected is another matter (the README says why).
 */
export function createReliableProducer(connection: KafkaConfig): Producer {
  return todo(
    'lesson-06 step 1: return new Kafka(connection).producer({ … }) with idempotent: true and retry: { retries: PRODUCER_RETRIES } (the README says why kafkajs needs the retries spelled out)',
  );
}
