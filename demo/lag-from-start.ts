import type { Admin } from 'kafkajs';
import type { LagReader } from './lag.ts';

/**
 * A new group that starts at the end of the topic (the monitor's --latest) reads a partition
 * from where it joined, and what came before it will never read: that is no lag. Lesson 05's
 * `consumerLag` counts a partition without a commit from its earliest message, which suits a
 * group that starts at the beginning; this reader counts it from `startedAt`, the end offsets
 * when the program started, until the group commits there.
 */
export function lagFromWhereItStarted(read: LagReader, startedAt: ReadonlyMap<number, number>): LagReader {
  return async (admin, groupId, topic) => {
    const [lags, [committed]] = await Promise.all([
      read(admin, groupId, topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const hasCommit = new Set(
      (committed?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => p.partition),
    );
    return lags.map((lag) => {
      const start = startedAt.get(lag.partition);
      if (hasCommit.has(lag.partition) || start === undefined) return lag;
      const committedOffset = Math.max(lag.committedOffset, start);
      return { ...lag, committedOffset, lag: Math.max(0, lag.endOffset - committedOffset) };
    });
  };
}

/** Each partition's end offset now: where a group that starts at the end begins. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}
