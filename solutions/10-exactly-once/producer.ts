import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';

/**
 * A producer whose writes belong to transactions. The transactionalId is its identity on the
 * broker: stable across restarts, so a restarted service inherits, and settles, whatever its
 * previous run left open, and shuts out that previous run should it still be alive.
 */
export function createTransactionalProducer(connection: KafkaConfig, transactionalId: string): Producer {
  return new Kafka(connection).producer({
    transactionalId,
    // what kafkajs's documentation asks of a transactional producer. Its transactions are
    // idempotent either way: they carry the producer id and sequence numbers of the transaction
    idempotent: true,
    maxInFlightRequests: 1,
  });
}
