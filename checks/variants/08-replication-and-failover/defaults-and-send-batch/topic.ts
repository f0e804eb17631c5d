// Correct variant: the settings written as a record and turned into configEntries.
import type { ITopicConfig } from 'kafkajs';

export const REPLICATION_FACTOR = 3;
export const MIN_IN_SYNC_REPLICAS = 2;

const SETTINGS: Record<string, number> = { 'min.insync.replicas': MIN_IN_SYNC_REPLICAS };

export function replicatedTopic(topic: string, numPartitions = 3): ITopicConfig {
  const configEntries = Object.entries(SETTINGS).map(([name, value]) => ({ name, value: value.toString() }));
  return { topic, numPartitions, replicationFactor: REPLICATION_FACTOR, configEntries };
}
