import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';

/** A message as kafkajs's producer.send takes it: a key that picks the partition, a JSON value. */
export interface KeyedMessage {
  key: string;
  value: string;
}

/** The key of a transaction's message. Same key, same partition, so it decides what stays in order. */
export function keyFor(tx: Transaction): string {
  return todo(
    "lesson-02 step 2: return the key that keeps all of one account's transactions together: the account number, as a string",
  );
}

/** What the simulator hands to producer.send({ topic, messages: [...] }). */
export function toMessage(tx: Transaction): KeyedMessage {
  return todo(
    'lesson-02 step 3: return { key, value }: the key from keyFor(tx), the value the transaction as JSON (as in lesson 01)',
  );
}

/**
 * The partition kafkajs's producer picks for `key` on a topic with `numPartitions` partitions.
 * kafkajs's default partitioner is a function made by Partitioners.DefaultPartitioner(); it
 * takes { topic, partitionMetadata, message } and returns a partition number. Only the number
 * of entries in partitionMetadata matters when the message has a key.
 */
export function partitionFor(key: string, numPartitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return todo(
    'lesson-02 step 4: ask the partitioner from Partitioners.DefaultPartitioner() which of `partitionMetadata` it picks for a message with this key',
  );
}
