// Correct variant: reduce over the partitions into a Map, read back in partition order.
import type { Admin } from 'kafkajs';
import type { PartitionState } from '../../../../solutions/08-replication-and-failover/report.ts';

export { formatPartitionState, type PartitionState } from '../../../../solutions/08-replication-and-failover/report.ts';

export function partitionReport(admin: Admin, topic: string): Promise<PartitionState[]> {
  return admin.fetchTopicMetadata({ topics: [topic] }).then(({ topics }) => {
    const byPartition = (topics.find((t) => t.name === topic)?.partitions ?? []).reduce(
      (map, p) =>
        map.set(p.partitionId, {
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
        }),
      new Map<number, PartitionState>(),
    );
    return [...byPartition.keys()].sort((a, b) => a - b).map((partition) => byPartition.get(partition)!);
  });
}
