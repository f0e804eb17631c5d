import type { Admin } from 'kafkajs';
import { pause } from '../workshop/wait.ts';

/**
 * Waits until `topic` exists and every partition has a leader: the monitor may start before
 * the simulator has created it, and a consumer that subscribes to a half-created topic fails.
 * Returns false when the program was asked to stop first. `onWaiting` is called once.
 */
export async function waitForTopic(
  admin: Admin,
  topic: string,
  stop: AbortSignal,
  onWaiting: () => void,
): Promise<boolean> {
  for (let waiting = false; !stop.aborted; waiting = true) {
    if (await topicIsReady(admin, topic)) return true;
    if (!waiting) onWaiting();
    await pause(waiting ? 1000 : 100, stop);
  }
  return false;
}

async function topicIsReady(admin: Admin, topic: string): Promise<boolean> {
  if (!(await admin.listTopics()).includes(topic)) return false;
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions ?? [];
  return partitions.length > 0 && partitions.every((p) => p.partitionErrorCode === 0 && p.leader >= 0);
}
