// Correct variant: the resets with kafkajs's own admin.setOffsets, which commits real offsets
// (about five seconds a call, see the README), instead of the workshop's commitGroupOffsets.
import { Kafka, type KafkaConfig } from 'kafkajs';
import type { PartitionOffset } from '../../../../workshop/group-offsets.ts';

export * from '../../../../solutions/05-offsets-and-replay/offsets.ts';

async function setGroupOffsets(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
  choose: (admin: ReturnType<Kafka['admin']>) => Promise<PartitionOffset[]>,
): Promise<PartitionOffset[]> {
  const admin = new Kafka(connection).admin();
  await admin.connect();
  try {
    const partitions = await choose(admin);
    await admin.setOffsets({ groupId, topic, partitions });
    return partitions;
  } finally {
    await admin.disconnect();
  }
}

export function resetToEarliest(connection: KafkaConfig, groupId: string, topic: string): Promise<PartitionOffset[]> {
  return setGroupOffsets(connection, groupId, topic, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low })),
  );
}

export function resetToTimestamp(
  connection: KafkaConfig,
  groupId: string,
  topic: string,
  timestamp: number,
): Promise<PartitionOffset[]> {
  return setGroupOffsets(connection, groupId, topic, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
}
