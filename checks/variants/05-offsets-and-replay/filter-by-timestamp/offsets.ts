// Correct variant: the replay reads each partition from its beginning and keeps the messages
// stamped at or after `since` (slower on a long history, same answer); the lag with a loop.
import { Kafka, type Admin } from 'kafkajs';
import { decodeTransaction } from '../../../../bank/codec.ts';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { PartitionLag, ReplayOptions } from '../../../../solutions/05-offsets-and-replay/offsets.ts';

export * from '../../../../solutions/05-offsets-and-replay/offsets.ts';

export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const lags: PartitionLag[] = [];
  for (const end of [...ends].sort((a, b) => a.partition - b.partition)) {
    const entry = committed[0]?.partitions.find((p) => p.partition === end.partition);
    const commit = parseInt(entry?.offset ?? '-1', 10);
    const committedOffset = commit < 0 ? parseInt(end.low, 10) : commit;
    const endOffset = parseInt(end.high, 10);
    lags.push({ partition: end.partition, endOffset, committedOffset, lag: endOffset - committedOffset });
  }
  return lags;
}

export async function replaySince({ connection, topic, groupId, since }: ReplayOptions): Promise<Transaction[]> {
  const kafka = new Kafka(connection);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const ends = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
  if (ends.size === 0) return [];

  const byPartition = new Map<number, Transaction[]>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => !payload.restart && reject(payload.error));
      void (async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || Number(message.offset) >= end) return;
            if (Number(message.timestamp) >= since) {
              try {
                byPartition.set(partition, [...(byPartition.get(partition) ?? []), decodeTransaction(message.value)]);
              } catch {
                // skipped, as the live consumer skips it
              }
            }
            if (Number(message.offset) + 1 >= end) {
              ends.delete(partition);
              if (ends.size === 0) resolve();
            }
          },
        });
      })().catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p)!);
}
