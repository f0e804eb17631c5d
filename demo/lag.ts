import type { Admin } from 'kafkajs';
import { isTodoError } from '../workshop/todo.ts';
import { displayPath } from '../workshop/paths.ts';
import { lessonFile, lessonFileExists, loadLesson, type CodeSource } from './lesson-code.ts';

/** How far a group is behind on one partition (the shape of lesson 05's `consumerLag`). */
export interface PartitionLag {
  partition: number;
  endOffset: number;
  committedOffset: number;
  lag: number;
}

export type LagReader = (admin: Admin, groupId: string, topic: string) => Promise<PartitionLag[]>;

const LESSON = 'lesson-05';
const FILE = 'offsets.ts';

/**
 * The monitor's lag display runs lesson 05's `consumerLag` when that lesson is there, so the
 * learner sees their own function at work. Lag is a side show of the monitor, though: while
 * lesson 05 is missing, not done yet, or does not load, the demo measures it itself (and says
 * why once, through `note`, unless the lesson is simply not started).
 */
export async function chooseLagReader(source: CodeSource, note: (line: string) => void): Promise<LagReader> {
  if (!lessonFileExists(source, LESSON, FILE)) return lagFromAdmin;
  let consumerLag: LagReader;
  try {
    ({ consumerLag } = await loadLesson<{ consumerLag: LagReader }>(source, LESSON, FILE));
  } catch (error) {
    note(
      `⚠️  ${displayPath(lessonFile(source, LESSON, FILE))} does not load (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): the monitor measures the lag itself.`,
    );
    return lagFromAdmin;
  }
  let lessonDone = true;
  return async (admin, groupId, topic) => {
    if (lessonDone) {
      try {
        return await consumerLag(admin, groupId, topic);
      } catch (error) {
        if (!isTodoError(error)) throw error;
        lessonDone = false;
      }
    }
    return lagFromAdmin(admin, groupId, topic);
  };
}

/** Lag from the broker's own numbers: each partition's end offset minus the group's commit. */
export async function lagFromAdmin(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const commits = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map((end) => {
      const endOffset = Number(end.high);
      const commit = commits.get(end.partition) ?? -1;
      // no commit yet: a new group starts at the earliest message still kept
      const committedOffset = commit >= 0 ? commit : Number(end.low);
      return { partition: end.partition, endOffset, committedOffset, lag: Math.max(0, endOffset - committedOffset) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** "⏳ Consumer lag: 4 messages behind (partition 0: 0 | 1: 4 | 2: 0)" */
export function formatLag(lags: readonly PartitionLag[]): string {
  const total = lags.reduce((sum, p) => sum + p.lag, 0);
  const each = lags.map((p) => `${p.partition}: ${p.lag}`).join(' | ');
  return `⏳ Consumer lag: ${total} message${total === 1 ? '' : 's'} behind (partition ${each})`;
}
