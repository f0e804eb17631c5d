import type { Admin } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

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
  return todo(
    'lesson-08 step 2: ask the cluster with admin.fetchTopicMetadata({ topics: [topic] }) and turn each partition (partitionId, leader, replicas, isr) into a PartitionState, sorted by partition',
  );
}

/** "partition 0: leader 2, in sync 1,2,3 of 1,2,3" */
export function formatPartitionState(state: PartitionState): string {
  return `partition ${state.partition}: leader ${state.leader}, in sync ${state.isr.join(',')} of ${state.replicas.join(',')}`;
}
