import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaConfig, newKafka } from '../config.ts';
import { commitGroupOffsets } from '../group-offsets.ts';
import { createTopicReliably } from '../kafka/new-topic-race.ts';
import { pause, waitFor } from '../wait.ts';

/**
 * A broker that answers metadata is not yet ready for consumer groups. Each group belongs to
 * one partition of the internal topic __consumer_offsets, and the broker must load each of
 * those partitions (its group coordinator) before a group on it can join or commit; until
 * then it answers "The coordinator is loading". On a fresh broker that takes seconds, and
 * checks started in parallel meet it. Asking a group's state does not tell (a group the broker
 * has not loaded looks like an empty one), so this does what a check does: for every partition
 * of __consumer_offsets, one group on it joins and commits. When all have, every group can.
 */
export async function waitForGroupCoordinators(brokers: string[], timeoutMs = 60_000): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const connection = kafkaConfig(`workshop-ready-${id}`, brokers);
  const admin = newKafka(connection).admin();
  const topic = `workshop-ready-${id}`;
  const deadline = Date.now() + timeoutMs;
  const done = new Set<number>();
  let groups: string[] = [];
  let last = 'no answer yet';
  await admin.connect();
  try {
    // not kafkajs's waitForLeaders, which gave up on a restarted broker with many topics every time
    await createTopicReliably(admin, topic, 1);
    for (;;) {
      // the first commit creates __consumer_offsets; its partition count is the broker's setting
      const partitions = await offsetsPartitions(admin);
      groups =
        partitions === undefined ? [groupOn(0, 1, id)] : range(partitions).map((p) => groupOn(p, partitions, id));
      const results = await Promise.allSettled(
        groups.map(async (groupId, partition) => {
          if (partitions !== undefined && done.has(partition)) return;
          await commitGroupOffsets(connection, groupId, topic, [{ partition: 0, offset: '0' }]);
          if (partitions !== undefined) done.add(partition);
        }),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) last = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      if (partitions !== undefined && done.size === partitions) return;
      if (Date.now() > deadline)
        throw new Error(
          `the broker's group coordinators were not ready within ${timeoutMs / 1000} s (${done.size} of ${partitions ?? '?'} partitions of __consumer_offsets answered; last: ${last})`,
        );
      await pause(200);
    }
  } finally {
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function offsetsPartitions(admin: ReturnType<Kafka['admin']>): Promise<number | undefined> {
  const { topics } = await admin
    .fetchTopicMetadata({ topics: ['__consumer_offsets'] })
    .catch(() => ({ topics: [] as Array<{ partitions: unknown[] }> }));
  const count = topics[0]?.partitions.length ?? 0;
  return count > 0 ? count : undefined;
}

/** A group id that Kafka places on `partition` of __consumer_offsets: abs(Java's String.hashCode) % partitions. */
export function groupOn(partition: number, partitions: number, prefix: string): string {
  for (let n = 0; ; n++) {
    const groupId = `workshop-ready-${prefix}-${n}`;
    if (coordinatorPartition(groupId, partitions) === partition) return groupId;
  }
}

/** Kafka's own rule for a group's partition of __consumer_offsets. */
export function coordinatorPartition(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  // Kafka's Utils.abs: Integer.MIN_VALUE counts as 0
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % partitions;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The same for transactions: the broker creates its transaction log (__transaction_state) at the
 * first transactional producer's InitProducerId, and until its partitions are loaded kafkajs
 * answers "Failed to find group coordinator". Lesson 10's checks, started in parallel on a fresh
 * broker, met it; one transactional producer's first transaction, retried until it gets through,
 * leaves the log ready for all.
 */
export async function waitForTransactionCoordinator(brokers: string[], timeoutMs = 60_000): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const producer = newKafka(kafkaConfig(`workshop-ready-tx-${id}`, brokers)).producer({
    transactionalId: `workshop-ready-tx-${id}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  let last = 'no answer yet';
  await producer.connect();
  try {
    await waitFor(
      async () => {
        try {
          const transaction = await producer.transaction();
          await transaction.abort();
          return true;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
          return undefined;
        }
      },
      {
        timeoutMs,
        intervalMs: 200,
        expected: "the broker's transaction coordinator to answer",
        lastSeen: () => last,
      },
    );
  } finally {
    await producer.disconnect();
  }
}
