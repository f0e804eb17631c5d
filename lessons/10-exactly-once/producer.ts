import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

/**
 * A producer whose writes belong to transactions. The transactionalId is its identity on the
 * broker: stable across restarts, so a restarted service inherits, and settles, whatever its
 * previous run left open, and shuts out that previous run should it still be alive.
 */
export function createTransactionalProducer(connection: KafkaConfig, transactionalId: string): Producer {
  return todo(
    'lesson-10 step 1: return new Kafka(connection).producer({ … }) with transactionalId (exactly the one you were given: it must be the same on every start), idempotent: true and maxInFlightRequests: 1',
  );
}
