import { Kafka, type Admin, type Consumer, type KafkaConfig } from 'kafkajs';
import { decodeTransaction } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { commitGroupOffsets, type PartitionOffset } from '../../workshop/group-offsets.ts';
import { todo } from '../../workshop/todo.ts';

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

/**
 * Consumer lag per partition, in partition order: what a monitoring dashboard shows.
 * The demo's monitor prints it under its statistics.
 */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  return todo(
    'lesson-05 step 1: for every partition of `topic`, return { partition, endOffset, committedOffset, lag } sorted by partition: endOffset from admin.fetchTopicOffsets (high), committedOffset from admin.fetchOffsets (-1 means never committed: count from low instead), lag = endOffset − committedOffset',
  );
}

/** Moves a stopped group back to the earliest message still on each partition. */
export async function resetToEarliest(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
): Promise<PartitionOffset[]> {
  const offsets = await withAdmin(connection, async (admin): Promise<PartitionOffset[]> => {
    return todo(
      'lesson-05 step 2: return { partition, offset } for every partition, where offset is the earliest offset still kept (admin.fetchTopicOffsets → low)',
    );
  });
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
  const offsets = await withAdmin(connection, async (admin): Promise<PartitionOffset[]> => {
    return todo(
      'lesson-05 step 3: return { partition, offset } for every partition: the first offset stamped at or after `timestamp` (admin.fetchTopicOffsetsByTimestamp)',
    );
  });
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
    const starts: PartitionOffset[] = todo(
      'lesson-05 step 4: find where the replay starts: the first offset stamped at or after `since` on each partition (admin.fetchTopicOffsetsByTimestamp)',
    );
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
    // The consumer now runs, but it would start where a new group starts (the latest offset).
    todo('lesson-05 step 5: move each partition to its start with consumer.seek({ topic, partition, offset })');
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
