import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';

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
  return new Kafka(connection).producer({
    idempotent: true,
    // said out loud: kafkajs would otherwise take the client's retry.retries, or 5
    retry: { retries: PRODUCER_RETRIES },
  });
}
