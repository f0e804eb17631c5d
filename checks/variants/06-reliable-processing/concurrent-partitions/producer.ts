// Correct variant: the producer's settings in a constant of their own, with one request in flight said out loud.
import { Kafka, type KafkaConfig, type Producer, type ProducerConfig } from 'kafkajs';

export const PRODUCER_RETRIES = 10;

const RELIABLE: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  retry: { retries: PRODUCER_RETRIES },
};

export function createReliableProducer(connection: KafkaConfig): Producer {
  const kafka = new Kafka(connection);
  return kafka.producer(RELIABLE);
}
