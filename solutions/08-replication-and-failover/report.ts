import type { Admin } from 'kafkajs';

/** Who holds one partition right now. Broker ids are the cluster's node ids (1, 2 and 3 here). */
export interface PartitionState {
  partition: number;
  /** The broker that takes every write of this partition, and every read unless consumers fetch from followers. */
  leader: number;
  /** Every broker that holds a copy, in sync or not. */
  replicas: number[];
  /** The in-sync replicas: the copies that are caught up with the leader (the leader included). */
  isr: number[];
}

/** The cluster's answer now, one entry per partition, in partition order; never a remembered one. */
export async function partitionReport(admin: Admin, topic: string): Promise<PartitionState[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
  const ascending = (a: number, b: number) => a - b;
  return partitions
    .map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas].sort(ascending),
      isr: [...p.isr].sort(ascending),
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** "partition 0: leader 2, in sync 1,2,3 of 1,2,3" */
export function formatPartitionState(state: PartitionState): string {
  return `partition ${state.partition}: leader ${state.leader}, in sync ${state.isr.join(',')} of ${state.replicas.join(',')}`;
}
