import { Kafka, type Admin, type Consumer, type KafkaConfig } from 'kafkajs';
import { decodeTransaction } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { commitGroupOffsets, type PartitionOffset } from '../../workshop/group-offsets.ts';

/** How far one group is behind on one partition. */
export interface PartitionLag {
  partition: number;
  /** One past the last message: the offset the next message will get. */
  endOffset: number;
  /** The next offset the group will read. */
  committedOffset: number;
  /** Messages written but not yet read by the group: endOffset − committedOffset. */
  lag: number;
}

export interface ReplayOptions {
  connection: KafkaConfig;
  topic: string;
  /** A fresh group for the replay: it commits nothing, so it never disturbs a real group. */
  groupId: string;
  /** Milliseconds since 1970 (Date.now()); messages stamped at or after it are replayed. */
  since: number;
}

/** Consumer lag per partition, in partition order: what a monitoring dashboard shows. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const commits = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map(({ partition, high, low }) => {
      const commit = commits.get(partition) ?? -1;
      // -1: the group never committed here; count from the earliest message still kept, the most it
      // could have to read (a kafkajs consumer without fromBeginning would start at the end instead)
      const committedOffset = commit >= 0 ? commit : Number(low);
      const endOffset = Number(high);
      return { partition, endOffset, committedOffset, lag: endOffset - committedOffset };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Moves a stopped group back to the earliest message still on each partition. */
export async function resetToEarliest(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
): Promise<PartitionOffset[]> {
  const offsets = await withAdmin(connection, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => ({ partition, offset: low })),
  );
  await commitGroupOffsets(connection, groupId, topic, offsets);
  return offsets;
}

/** Moves a stopped group to the first message stamped at or after `timestamp` on each partition. */
export async function resetToTimestamp(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
  timestamp: number,
): Promise<PartitionOffset[]> {
  // a partition with nothing that recent gets its end offset: the group waits for new messages there
  const offsets = await withAdmin(connection, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
  await commitGroupOffsets(connection, groupId, topic, offsets);
  return offsets;
}

/**
 * Reads again every transaction stamped at or after `since`, up to the end of each partition as
 * it was when the replay began, and returns them in partition order. Malformed messages are skipped.
 */
export async function replaySince({ connection, topic, groupId, since }: ReplayOptions): Promise<Transaction[]> {
  const kafka = new Kafka(connection);
  const { starts, ends } = await withAdmin(connection, async (admin) => {
    const starts: PartitionOffset[] = await admin.fetchTopicOffsetsByTimestamp(topic, since);
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]),
    );
    return { starts, ends };
  });
  const pending = new Set(
    starts.filter(({ partition, offset }) => Number(offset) < (ends.get(partition) ?? 0)).map((s) => s.partition),
  );
  const replayed = new Map<number, Transaction[]>([...pending].map((partition) => [partition, []]));
  if (pending.size === 0) return [];

  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    const finished = untilEveryPartitionIsRead(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const end = ends.get(partition) ?? 0;
        if (!pending.has(partition) || offset >= end) return;
        try {
          replayed.get(partition)!.push(decodeTransaction(message.value));
        } catch {
          // history may hold a malformed message; a replay skips it as the live consumer does
        }
        if (offset + 1 >= end) {
          pending.delete(partition);
          if (pending.size === 0) finished.done();
        }
      },
    });
    // seek works once run() has started: each partition starts at the offset for the timestamp
    for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });
    await finished.promise;
  } finally {
    await consumer.disconnect();
  }
  return [...replayed.keys()].sort((a, b) => a - b).flatMap((partition) => replayed.get(partition)!);
}

/** Settles when `done()` is called, or rejects when the consumer crashes for good. */
function untilEveryPartitionIsRead(consumer: Consumer): { promise: Promise<void>; done: () => void } {
  let done = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    done = resolve;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
  });
  // a crash while run() starts makes seek() throw first, and then nobody awaits this promise:
  // without a handler its rejection would end the whole program
  promise.catch(() => undefined);
  return { promise, done };
}

async function withAdmin<T>(connection: KafkaConfig, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka(connection).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
