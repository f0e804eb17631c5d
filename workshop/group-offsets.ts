import type { KafkaConfig } from 'kafkajs';
import { newKafka } from './config.ts';
import { within } from './wait.ts';

/** Where a group should resume reading one partition: the next offset it will read. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** The group has consumers running; moving its offsets under them would be overwritten at once. */
export class GroupIsActiveError extends Error {
  override readonly name = 'GroupIsActiveError';
}

const JOIN_TIMEOUT_MS = 10_000;

/**
 * Commits `offsets` for a consumer group that has no running consumers, so its next consumer
 * resumes exactly there.
 *
 * While the group is empty, Kafka accepts the commit from a member of the group and even from a
 * client that is none (Kafka's own kafka-consumer-groups does that); kafkajs has no call for
 * the latter, so a short-lived member joins. kafkajs's `admin.setOffsets` joins too, but then
 * waits one empty fetch of 5 seconds before it leaves; this member leaves as soon as the broker
 * has stored the commit.
 */
export async function commitGroupOffsets(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
  offsets: readonly PartitionOffset[],
): Promise<void> {
  const kafka = newKafka(connection);
  const admin = kafka.admin();
  // paused, this member idles in steps of maxWaitTimeInMs: short ones let it leave at once
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20 });
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state ?? 'Dead';
    if (state !== 'Empty' && state !== 'Dead') {
      throw new GroupIsActiveError(
        `group ${groupId} has running consumers (state ${state}): stop them before moving its offsets`,
      );
    }
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const joined = within(
      new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.GROUP_JOIN, () => resolve());
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      }),
      JOIN_TIMEOUT_MS,
      `could not join group ${groupId} within ${JOIN_TIMEOUT_MS / 1000} s`,
    );
    joined.catch(() => undefined); // awaited below, after run(); a rejection before then is not unhandled
    // this member only commits: it reads nothing and resolves nothing on its own
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    consumer.pause([{ topic }]);
    await joined;
    await consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset })));
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
