// Correct, written differently: an arrow function, the topic's settings spelled out in another
// order, and replicationFactor -1 (the broker's default, as kafkajs sends when none is given).
import type { Admin } from 'kafkajs';

/** The seed's transactions topic has three partitions: room for three consumers in one group. */
export const DEFAULT_PARTITIONS = 3;

/** Creates the topic unless it exists; true when this call created it, false when it was there. */
export const ensureTopic = (
  admin: Admin,
  topic: string,
  numPartitions: number = DEFAULT_PARTITIONS,
): Promise<boolean> =>
  admin.createTopics({ waitForLeaders: true, topics: [{ numPartitions, replicationFactor: -1, topic }] });
