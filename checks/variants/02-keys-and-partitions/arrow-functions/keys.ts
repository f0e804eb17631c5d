// Correct, written differently: arrow functions, the key as a template string, the message built from the
// transaction in one expression, and partitionFor() asking a DefaultPartitioner made per call
// with metadata built by a loop.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';

/** A message as kafkajs's producer.send takes it: a key that picks the partition, a JSON value. */
export interface KeyedMessage {
  key: string;
  value: string;
}

/** The account number: every transaction of one account gets the same key, so the same partition. */
export const keyFor = (tx: Transaction): string => `${tx.account}`;

export const toMessage = (tx: Transaction): KeyedMessage => ({ value: JSON.stringify(tx), key: keyFor(tx) });

/** The partition kafkajs's producer (like the Java client) picks for `key`. */
export function partitionFor(key: string, numPartitions: number): number {
  const partitionMetadata: PartitionMetadata[] = [];
  for (let partitionId = 0; partitionId < numPartitions; partitionId++) {
    partitionMetadata.push({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] });
  }
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({ topic: 'transactions', partitionMetadata, message: { key: Buffer.from(key), value: null } });
}
