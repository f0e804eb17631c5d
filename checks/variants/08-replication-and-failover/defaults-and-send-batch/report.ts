// Correct variant: a loop that fills the report, replicas in the cluster's own order.
import type { Admin } from 'kafkajs';
import type { PartitionState } from '../../../../solutions/08-replication-and-failover/report.ts';

export { formatPartitionState, type PartitionState } from '../../../../solutions/08-replication-and-failover/report.ts';

export async function partitionReport(admin: Admin, topic: string): Promise<PartitionState[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const report: PartitionState[] = [];
  for (const t of metadata.topics) {
    if (t.name !== topic) continue;
    for (const p of t.partitions)
      report.push({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr });
  }
  report.sort((a, b) => a.partition - b.partition);
  return report;
}
