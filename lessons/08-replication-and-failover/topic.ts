import type { ITopicConfig } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

/** How many copies of each partition the cluster keeps: one on each of the three brokers. */
export const REPLICATION_FACTOR = 3;
/**
 * The fewest in-sync copies, the leader included, with which Kafka accepts a send with acks: -1
 * at all. It is a floor: such a send waits for every copy that is in sync, all three when all are.
 */
export const MIN_IN_SYNC_REPLICAS = 2;

/**
 * A topic that survives the death of any one broker without losing an acknowledged message,
 * and that refuses writes rather than keep them on a single broker.
 * Create it with `admin.createTopics({ topics: [replicatedTopic(name)], waitForLeaders: true })`.
 */
export function replicatedTopic(topic: string, numPartitions = 3): ITopicConfig {
  return todo(
    'lesson-08 step 1: return the topic config: `topic`, `numPartitions`, replicationFactor REPLICATION_FACTOR, and the topic setting min.insync.replicas = MIN_IN_SYNC_REPLICAS in configEntries (values are strings)',
  );
}
