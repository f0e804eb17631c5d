// Correct variant: the replay with eachBatch, seeking once the consumer has joined (GROUP_JOIN);
// the resets share one helper that asks the admin client for the offsets.
import { Kafka, type Admin, type KafkaConfig } from 'kafkajs';
import { decodeTransaction } from '../../../../bank/codec.ts';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { ReplayOptions } from '../../../../solutions/05-offsets-and-replay/offsets.ts';
import { commitGroupOffsets, type PartitionOffset } from '../../../../workshop/group-offsets.ts';

export * from '../../../../solutions/05-offsets-and-replay/offsets.ts';

async function ask<T>(connection: KafkaConfig, question: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka(connection).admin();
  await admin.connect();
  try {
    return await question(admin);
  } finally {
    await admin.disconnect();
  }
}

async function reset(connection: KafkaConfig, groupId: string, topic: string, offsets: PartitionOffset[]) {
  await commitGroupOffsets(connection, groupId, topic, offsets);
  return offsets;
}

export async function resetToEarliest(connection: KafkaConfig, groupId: string, topic: string) {
  const earliest = await ask(connection, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).map(({ partition, low }): PartitionOffset => ({ partition, offset: low })),
  );
  return reset(connection, groupId, topic, earliest);
}

export async function resetToTimestamp(connection: KafkaConfig, groupId: string, topic: string, timestamp: number) {
  return reset(
    connection,
    groupId,
    topic,
    await ask(connection, (a) => a.fetchTopicOffsetsByTimestamp(topic, timestamp)),
  );
}

export async function replaySince({ connection, topic, groupId, since }: ReplayOptions): Promise<Transaction[]> {
  const { starts, ends } = await ask(connection, async (admin) => ({
    starts: await admin.fetchTopicOffsetsByTimestamp(topic, since),
    ends: new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)] as const)),
  }));
  const todo = starts.filter((s) => Number(s.offset) < (ends.get(s.partition) ?? 0));
  if (todo.length === 0) return [];
  const left = new Set(todo.map((s) => s.partition));
  const read = new Map<number, Transaction[]>(todo.map((s) => [s.partition, []]));

  const consumer = new Kafka(connection).consumer({ groupId, maxWaitTimeInMs: 100 });
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  consumer.on(consumer.events.CRASH, ({ payload }) => !payload.restart && fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition) ?? 0;
        if (!left.has(batch.partition)) return;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset >= end) break;
          try {
            read.get(batch.partition)!.push(decodeTransaction(message.value));
          } catch {
            // a malformed message is skipped
          }
          if (offset === end - 1) left.delete(batch.partition);
        }
        if (left.size === 0) finish();
      },
    });
    for (const { partition, offset } of todo) consumer.seek({ topic, partition, offset });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return [...read.entries()].sort(([a], [b]) => a - b).flatMap(([, txs]) => txs);
}
