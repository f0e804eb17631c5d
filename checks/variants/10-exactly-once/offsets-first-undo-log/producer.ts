// A correct variant: the same producer, with a shorter transaction timeout of its own.
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';

export function createTransactionalProducer(connection: KafkaConfig, transactionalId: string): Producer {
  return new Kafka(connection).producer({
    transactionalId,
    maxInFlightRequests: 1,
    idempotent: true,
    transactionTimeout: 30_000,
  });
}
