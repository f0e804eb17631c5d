// Correct, written differently: createTopics with nothing but kafkajs's defaults (it waits for
// leaders on its own), and the partition count given as a parameter default of its own.
import type { Admin } from 'kafkajs';

/** The seed's transactions topic has three partitions: room for three consumers in one group. */
export const DEFAULT_PARTITIONS = 3;

/** Creates the topic unless it exists; true when this call created it. */
export async function ensureTopic(admin: Admin, topic: string, numPartitions?: number): Promise<boolean> {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: numPartitions ?? DEFAULT_PARTITIONS }] });
  return created;
}
