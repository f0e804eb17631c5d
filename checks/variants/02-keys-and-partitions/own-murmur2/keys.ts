// Correct, written differently: partitionFor() computes Kafka's murmur2 by hand, as the Java
// client's Utils.murmur2 does, instead of asking kafkajs's DefaultPartitioner.
import type { Transaction } from '../../../../bank/transaction.ts';

/** A message as kafkajs's producer.send takes it: a key that picks the partition, a JSON value. */
export interface KeyedMessage {
  key: string;
  value: string;
}

/** The account number: every transaction of one account gets the same key, so the same partition. */
export function keyFor(tx: Transaction): string {
  return tx.account.toString();
}

export function toMessage(tx: Transaction): KeyedMessage {
  const key = keyFor(tx);
  const value = JSON.stringify(tx);
  return { key, value };
}

/** Kafka's murmur2 (32-bit, seed 0x9747b28c) over the key's UTF-8 bytes; Math.imul keeps Java's int overflow. */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ data.length;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length % 4;
  if (rest > 0) {
    if (rest >= 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** The partition the Java client (and kafkajs's DefaultPartitioner) picks for `key`. */
export function partitionFor(key: string, numPartitions: number): number {
  // the sign bit cleared, as Java's Utils.toPositive does, then modulo the partition count
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % numPartitions;
}
