import { Kafka, type KafkaConfig } from 'kafkajs';

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
 * Kafka accepts a commit from a member of the group. kafkajs's `admin.setOffsets` does the same
 * thing (it joins the group for a moment) but then waits one empty fetch of 5 seconds before it
 * leaves; here the short-lived member leaves as soon as the broker has stored the commit.
 */
export async function commitGroupOffsets(connection: KafkaConfig, groupId: string, topic: string, offsets: readonly PartitionOffset[]): Promise<void> {
  const kafka = new Kafka(connection);
  const admin = kafka.admin();
  // paused, this member idles in steps of maxWaitTimeInMs: short ones let it leave at once
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20 });
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state ?? 'Dead';
    if (state !== 'Empty' && state !== 'Dead') {
      throw new GroupIsActiveError(`group ${groupId} has running consumers (state ${state}): stop them before moving its offsets`);
    }
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not join group ${groupId} within ${JOIN_TIMEOUT_MS / 1000} s`)), JOIN_TIMEOUT_MS);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        reject(payload.error);
      });
    });
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
