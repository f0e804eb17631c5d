import type { Admin } from 'kafkajs';

/** The seed's transactions topic has three partitions: room for three consumers in one group. */
export const DEFAULT_PARTITIONS = 3;

/**
 * Creates the topic unless it exists. Resolves to true when this call created it, false when
 * it was already there, so the simulator can run any number of times.
 */
export async function ensureTopic(admin: Admin, topic: string, numPartitions = DEFAULT_PARTITIONS): Promise<boolean> {
  // createTopics resolves to false (it does not throw) when the topic already exists;
  // waitForLeaders (kafkajs's default, written out): returns once the broker names a leader for
  // every partition, so the first send is unlikely to need a retry
  return admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}
