import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';

/** A message as kafkajs's producer.send takes it: a key that picks the partition, a JSON value. */
export interface KeyedMessage {
  key: string;
  value: string;
}

/** The account number: every transaction of one account gets the same key, so the same partition. */
export function keyFor(tx: Transaction): string {
  return String(tx.account);
}

export function toMessage(tx: Transaction): KeyedMessage {
  return { key: keyFor(tx), value: JSON.stringify(tx) };
}

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition kafkajs's producer picks for `key` on a topic of `numPartitions` partitions:
 * murmur2 of the key's bytes, made positive, modulo the partition count, exactly as the Java
 * client does. The partitioner only reads how many partitions there are.
 */
export function partitionFor(key: string, numPartitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return defaultPartitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
